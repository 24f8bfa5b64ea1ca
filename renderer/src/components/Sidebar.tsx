import type { ReactElement } from 'react';

export type Section = 'servers' | 'logs' | 'clients' | 'settings';

const ITEMS: Array<{ id: Section; label: string; icon: ReactElement }> = [
  {
    id: 'servers',
    label: 'Servers',
    icon: (
      <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
        <rect x="3" y="3.5" width="14" height="5" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <rect x="3" y="11.5" width="14" height="5" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <circle cx="6.5" cy="6" r="1" fill="currentColor" />
        <circle cx="6.5" cy="14" r="1" fill="currentColor" />
      </svg>
    ),
  },
  {
    id: 'logs',
    label: 'Logs',
    icon: (
      <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
        <path d="M4 5h12M4 10h12M4 15h8" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
    ),
  },
  {
    id: 'clients',
    label: 'Clients',
    icon: (
      <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
        <rect x="2.5" y="4" width="15" height="10" rx="1.5" fill="none" stroke="currentColor" strokeWidth="1.6" />
        <path d="M7 17h6" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
      </svg>
    ),
  },
  {
    id: 'settings',
    label: 'Settings',
    icon: (
      <svg viewBox="0 0 20 20" width="18" height="18" aria-hidden="true">
        <path d="M4 6h12M4 14h12" fill="none" stroke="currentColor" strokeWidth="1.6" strokeLinecap="round" />
        <circle cx="8" cy="6" r="2" fill="var(--sidebar-bg)" stroke="currentColor" strokeWidth="1.6" />
        <circle cx="13" cy="14" r="2" fill="var(--sidebar-bg)" stroke="currentColor" strokeWidth="1.6" />
      </svg>
    ),
  },
];

interface Props {
  current: Section;
  onSelect: (section: Section) => void;
  /** Servers that need the user (a badge on "Servers"). */
  attention: number;
  version?: string;
}

export function Sidebar({ current, onSelect, attention, version }: Props) {
  return (
    <nav className="sidebar" aria-label="Main">
      <ul>
        {ITEMS.map((item) => (
          <li key={item.id}>
            <button
              type="button"
              className={item.id === current ? 'nav-item nav-current' : 'nav-item'}
              aria-current={item.id === current ? 'page' : undefined}
              onClick={() => onSelect(item.id)}
            >
              {item.icon}
              <span className="nav-label">{item.label}</span>
              {item.id === 'servers' && attention > 0 && (
                <span className="nav-badge" aria-label={`${attention} need${attention === 1 ? 's' : ''} attention`}>
                  {attention}
                </span>
              )}
            </button>
          </li>
        ))}
      </ul>
      {version && <p className="sidebar-foot">Version {version}</p>}
    </nav>
  );
}
