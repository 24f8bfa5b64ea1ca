/**
 * Preload (sandboxed, CommonJS): exposes the contract as `window.switchboard` and nothing else.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { createSwitchboardApi } from './api';

contextBridge.exposeInMainWorld('switchboard', createSwitchboardApi(ipcRenderer));
