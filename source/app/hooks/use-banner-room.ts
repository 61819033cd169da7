import {type DOMElement, measureElement} from 'ink';
import {type RefObject, useContext, useEffect, useRef, useState} from 'react';
import {FramesContext} from '../app-context';

/** The boxes the wizard's layout is measured by, after each frame Ink draws. */
export interface RoomBoxes {
  /** The whole column, never taller than the terminal allows. */
  outer: RefObject<DOMElement | null>;
  /** The header's banner (kept in the tree, hidden with display none when there is no room). */
  banner: RefObject<DOMElement | null>;
  /** The box the screen is shown in (it shrinks, losing the screen's top lines). */
  viewport: RefObject<DOMElement | null>;
  /** The screen itself, at its full height. */
  content: RefObject<DOMElement | null>;
}

/**
 * Whether the header's banner has room. A screen too tall for the space under the header loses
 * the banner first (the sandbox panel, ctrl+s, still has it) and only then its own top lines; the
 * banner comes back when the screen on show fits under it again. Measured after every frame, from
 * the frame itself (whether it shows the banner is read off the banner's box), so a screen that
 * grows on its own (a list arriving) counts too; without frames to watch (a test renderer) or
 * without a banner, it always says yes.
 */
export function useBannerRoom(boxes: RoomBoxes, limitRows: number): boolean {
  const frames = useContext(FramesContext);
  const [room, setRoom] = useState(true);
  /** The banner's height, from the last frame that showed it. */
  const bannerRows = useRef(0);
  useEffect(() => {
    if (!frames) return;
    return frames.subscribe(() => {
      const {outer, banner, viewport, content} = boxes;
      if (!outer.current || !banner.current || !viewport.current || !content.current) return;
      const need = measureElement(content.current).height;
      if (need === 0) return; // the screen is hidden (a panel or a sign-in again covers it)
      const shown = banner.current.style.display !== 'none';
      if (shown) bannerRows.current = measureElement(banner.current).height;
      // Everything but the screen, with the banner in it whether this frame shows it or not.
      const chrome =
        measureElement(outer.current).height -
        measureElement(viewport.current).height +
        (shown ? 0 : bannerRows.current);
      setRoom(chrome + need <= limitRows);
    });
  }, [frames, boxes, limitRows]);
  return room;
}
