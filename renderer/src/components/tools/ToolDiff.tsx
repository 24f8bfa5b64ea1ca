import type { DefinitionView } from '../../../../common/contract';
import { fieldLabel, fieldOrder, fieldText } from './tool-text';

interface Props {
  item: Pick<DefinitionView, 'previous' | 'current' | 'changed'>;
}

/**
 * A definition under review: for a changed one, each changed field old and new side by side (the
 * description and schemas as the server sent them, nothing rendered as markup); for a new one, the
 * whole definition. Unchanged fields are named below the table.
 */
export function ToolDiff({ item }: Props) {
  const { previous, current } = item;
  if (!previous) {
    const fields = fieldOrder(Object.keys(current)).filter((f) => f !== 'name');
    return (
      <div className="tool-diff tool-diff-new" data-testid="tool-diff">
        <p className="muted small">New: never approved. The whole definition:</p>
        <dl className="tool-def">
          {fields.map((f) => (
            <div key={f} className="tool-def-row">
              <dt>{fieldLabel(f)}</dt>
              <dd>
                <pre className="tool-pre">{fieldText(current[f])}</pre>
              </dd>
            </div>
          ))}
        </dl>
      </div>
    );
  }
  const changed = fieldOrder(item.changed ?? []);
  const same = fieldOrder(Object.keys({ ...previous, ...current })).filter((f) => !changed.includes(f));
  return (
    <div className="tool-diff" data-testid="tool-diff">
      <table className="tool-diff-table">
        <thead>
          <tr>
            <th scope="col">Field</th>
            <th scope="col">Approved before</th>
            <th scope="col">Now</th>
          </tr>
        </thead>
        <tbody>
          {changed.map((f) => (
            <tr key={f} data-testid="diff-row" data-field={f}>
              <th scope="row">{fieldLabel(f)}</th>
              <td className="diff-old">
                <pre className="tool-pre">{fieldText(previous[f])}</pre>
              </td>
              <td className="diff-new">
                <pre className="tool-pre">{fieldText(current[f])}</pre>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {same.length > 0 && <p className="muted small">Unchanged: {same.map(fieldLabel).join(', ')}.</p>}
    </div>
  );
}
