export { CLIENTS, clientById, type ClientDef, type Launcher, type Launch } from './client-table';
export {
  ClientService,
  ClientConfigError,
  baseEntryName,
  chooseEntryName,
  type ChangeResult,
  type ClientInfo,
  type ImportCandidate,
  type PairState,
} from './client-service';
export { parseMcpRemote } from './mcp-remote';
