import {render} from 'ink-testing-library';
import {afterEach, describe, expect, it} from 'vitest';
import {WhenDue} from '../../source/app/components/when-due';
import {setClockSource} from '../../source/app/hooks/use-now';

afterEach(() => setClockSource(Date.now));

const settle = () => new Promise((r) => setTimeout(r, 30));

describe('WhenDue', () => {
  it('fires once when the ticker crosses `at`, not for a new callback, and again for a new `at`', async () => {
    let clock = 1_000_000;
    setClockSource(() => clock);
    const fired: string[] = [];
    const app = render(<WhenDue at={1_005_000} onDue={() => fired.push('first')} />);
    await settle();
    expect(fired).toEqual([]);
    clock = 1_005_000;
    setClockSource(() => clock);
    await settle();
    expect(fired).toEqual(['first']);
    // Later ticks and a new callback (a re-render of the screen) do not fire it again.
    clock = 1_006_000;
    setClockSource(() => clock);
    app.rerender(<WhenDue at={1_005_000} onDue={() => fired.push('second')} />);
    await settle();
    expect(fired).toEqual(['first']);
    // A new `at` re-arms it, and the latest callback is the one called.
    app.rerender(<WhenDue at={1_010_000} onDue={() => fired.push('third')} />);
    await settle();
    expect(fired).toEqual(['first']);
    clock = 1_010_000;
    setClockSource(() => clock);
    await settle();
    expect(fired).toEqual(['first', 'third']);
    app.unmount();
  });
});
