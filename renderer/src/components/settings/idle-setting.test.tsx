// @vitest-environment jsdom
import '@testing-library/jest-dom/vitest';
/** Settings ▸ General: how long an unused server's proxy keeps running (issue 19). */
import { cleanup, render, screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, describe, expect, it } from 'vitest';
import type { AppSettings } from '../../../../common/contract';
import { IdleSetting } from './IdleSetting';

afterEach(cleanup);

const SETTINGS: AppSettings = { launchAtLogin: false, logRetentionDays: 14, proxyIdleMinutes: 5, theme: 'light', weakStorage: 'ask', newServerTools: 'review' };

describe('IdleSetting', () => {
  it('shows the stored minutes, saves a new value, and refuses one out of range with the reason', async () => {
    const saved: Array<[Partial<AppSettings>, string]> = [];
    render(<IdleSetting settings={SETTINGS} save={async (p, what) => void saved.push([p, what])} />);
    const input = screen.getByLabelText('Stop unused servers after') as HTMLInputElement;
    expect(input.value).toBe('5');
    const user = userEvent.setup();
    await user.clear(input);
    await user.type(input, '2000{Enter}');
    expect(screen.getByRole('alert')).toHaveTextContent('Enter a whole number of minutes from 0 to 1440.');
    expect(saved).toEqual([]);
    await user.clear(input);
    await user.type(input, '0{Enter}');
    expect(saved).toEqual([[{ proxyIdleMinutes: 0 }, 'Every server’s proxy keeps running.']]);
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.getByText(/0 keeps every proxy running/)).toBeInTheDocument();
  });
});
