import {Profiler} from 'react';
import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {Countdown} from '../../source/app/components/countdown';
import {setClockSource} from '../../source/app/hooks/use-now';

afterEach(() => setClockSource(Date.now));

const settle = () => new Promise((r) => setTimeout(r, 30));

/** A Countdown on a fake clock, with the commits React made for it counted. */
function mount(element: React.ReactElement, start: number) {
  let clock = start;
  setClockSource(() => clock);
  let commits = 0;
  const app = render(
    <Profiler id="countdown" onRender={() => commits++}>
      {element}
    </Profiler>,
  );
  return {
    app,
    commits: () => commits,
    /** Moves the clock on and lets the ticker fire. */
    async at(ms: number) {
      clock = ms;
      setClockSource(() => clock);
      await settle();
    },
  };
}

describe('Countdown', () => {
  it('in minutes, renders once a minute while far off, then counts seconds', async () => {
    const start = 1_000_000;
    const target = start + 42 * 60_000 + 10_000;
    const c = mount(<Countdown target={target} precision="minutes" />, start);
    await settle();
    expect(c.app.lastFrame()).toBe('42m');
    const before = c.commits();
    for (let s = 1; s <= 9; s++) await c.at(start + s * 1000);
    expect(c.app.lastFrame()).toBe('42m');
    expect(c.commits()).toBe(before);
    await c.at(start + 11_000);
    expect(c.app.lastFrame()).toBe('41m');
    expect(c.commits()).toBe(before + 1);
    // Five minutes before the end it turns yellow and shows seconds, each one drawn.
    await c.at(target - 299_000);
    expect(c.app.lastFrame()).toBe('4m 59s');
    const yellow = c.commits();
    await c.at(target - 298_000);
    await c.at(target - 297_000);
    expect(c.app.lastFrame()).toBe('4m 57s');
    expect(c.commits()).toBe(yellow + 2);
    await c.at(target);
    expect(c.app.lastFrame()).toBe('expired');
    c.app.unmount();
  });

  it('in seconds, renders every second; a long way off, only when its text changes', async () => {
    const start = 5_000_000;
    const c = mount(<Countdown target={start + 42 * 60_000 + 10_000} />, start);
    await settle();
    expect(c.app.lastFrame()).toBe('42m 10s');
    const before = c.commits();
    await c.at(start + 1000);
    await c.at(start + 2000);
    expect(c.app.lastFrame()).toBe('42m 08s');
    expect(c.commits()).toBe(before + 2);
    c.app.unmount();

    // A day-long token shows hours and minutes: a tick inside the same minute draws nothing.
    const d = mount(<Countdown target={start + 23 * 3_600_000 + 59 * 60_000 + 30_000} />, start);
    await settle();
    expect(d.app.lastFrame()).toBe('23h 59m');
    const still = d.commits();
    for (let s = 1; s <= 5; s++) await d.at(start + s * 1000);
    expect(d.commits()).toBe(still);
    d.app.unmount();
  });
});
