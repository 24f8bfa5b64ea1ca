import { useId, type Dispatch, type Ref } from 'react';
import type { ProbeResult } from '../../../../common/contract';
import { AdvancedFields } from './AdvancedFields';
import type { AddFlowAction, AddFlowState } from './add-flow-state';
import { RegistryHeaderFields } from './PickedEntry';
import { ProbeFacts } from './ProbeFacts';

interface Props {
  headingRef: Ref<HTMLHeadingElement>;
  probe: ProbeResult;
  state: Pick<AddFlowState, 'name' | 'advancedOpen' | 'headers' | 'clientId' | 'clientSecret' | 'scopes' | 'probing' | 'adding' | 'addError'> &
    Partial<Pick<AddFlowState, 'access'>>;
  dispatch: Dispatch<AddFlowAction>;
  onProbeAgain: () => void;
  onAdd: () => void;
}

/** Step 2: what the probe found, the name, the advanced fields, and "Add server". */
export function ReviewStep({ headingRef, probe, state, dispatch, onProbeAgain, onAdd }: Props) {
  const nameId = useId();
  return (
    <form
      className="card panel add-step"
      onSubmit={(e) => {
        e.preventDefault();
        onAdd();
      }}
      aria-label="Check and add"
      noValidate
    >
      <h3 className="step-title" ref={headingRef} tabIndex={-1}>
        {probe.reachable ? 'The server answered' : 'The server did not answer'}
      </h3>
      <ProbeFacts probe={probe} />
      {probe.problem && probe.reachable && (
        <p className="note-warn" role="status">
          {probe.problem}
        </p>
      )}

      <label className="field" htmlFor={nameId}>
        <span>Name</span>
        <input
          id={nameId}
          name="name"
          type="text"
          autoComplete="off"
          value={state.name}
          onChange={(e) => dispatch({ type: 'text-edited', field: 'name', value: e.target.value })}
          placeholder={probe.suggestedName}
        />
      </label>

      <RegistryHeaderFields headers={state.headers} dispatch={dispatch} />

      <AdvancedFields
        open={state.advancedOpen}
        headers={state.headers}
        clientId={state.clientId}
        clientSecret={state.clientSecret}
        scopes={state.scopes}
        access={state.access}
        probing={state.probing}
        dispatch={dispatch}
        onProbeAgain={onProbeAgain}
      />

      {state.addError && (
        <p className="form-error" role="alert">
          {state.addError}
        </p>
      )}
      <div className="step-actions">
        <button type="button" className="btn" onClick={() => dispatch({ type: 'back-to-url' })}>
          Back
        </button>
        <button type="submit" className="btn btn-primary" disabled={state.adding}>
          {probe.signIn === 'needed' ? (state.adding ? 'Starting the sign-in…' : 'Add and sign in') : state.adding ? 'Adding…' : 'Add server'}
        </button>
      </div>
    </form>
  );
}
