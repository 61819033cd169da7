import {type DOMElement, measureElement} from 'ink';
import {type RefObject, useContext, useEffect, useLayoutEffect, useRef, useState} from 'react';
import {FramesContext} from '../app-context';

/** The boxes the wizard's layout is measured by, after each frame Ink draws. */
export interface RoomBoxes {
  /** The whole column, never taller than the terminal allows. */
  outer: RefObject<DOMElement | null>;
  /** The header, with the banner when it is shown. */
  header: RefObject<DOMElement | null>;
  /** The box the screen is shown in (it shrinks, losing the screen's top lines). */
  viewport: RefObject<DOMElement | null>;
  /** The screen itself, at its full height. */
  content: RefObject<DOMElement | null>;
}

/**
 * Whether the header's banner has room. A screen too tall for the space under the header loses
 * the banner first (the sandbox panel, ctrl+s, still has it) and only then its own top lines; the
 * banner comes back when the screen on show fits under it again. Measured after every frame, so
 * a screen that grows on its own (a list arriving) counts too; without frames to watch (a test
 * renderer) the banner always shows.
 */
export function useBannerRoom(boxes: RoomBoxes, limitRows: number): boolean {
  const frames = useContext(FramesContext);
  const [room, setRoom] = useState(true);
  /** The header's height with the banner, from the last frame that showed it. */
  const withBanner = useRef(0);
  const latest = useRef({room, limitRows});
  useLayoutEffect(() => {
    latest.current = {room, limitRows};
  });
  useEffect(() => {
    if (!frames) return;
    return frames.subscribe(() => {
      const {outer, header, viewport, content} = boxes;
      if (!outer.current || !header.current || !viewport.current || !content.current) return;
      const {room: shown, limitRows: limit} = latest.current;
      const headerRows = measureElement(header.current).height;
      const viewportRows = measureElement(viewport.current).height;
      const need = measureElement(content.current).height;
      if (need === 0) return; // the screen is hidden (a panel or a sign-in again covers it)
      const chrome = measureElement(outer.current).height - viewportRows;
      if (shown) withBanner.current = headerRows;
      const bannerRows = shown ? 0 : withBanner.current - headerRows;
      const next = chrome + bannerRows + need <= limit;
      if (next !== shown) setRoom(next);
    });
  }, [frames, boxes]);
  return room;
}
