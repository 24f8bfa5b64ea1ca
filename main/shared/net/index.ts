/**
 * The network layer every outbound request of the app goes through: the route (direct or an HTTP
 * proxy, proxy-route.ts), the trust (trust.ts), node:http agents (http-agents.ts) and a fetch
 * (fetch.ts) built from one NetworkConfig, and TLS failures in words (tls-words.ts).
 */
export * from './proxy-route';
export * from './trust';
export * from './network-config';
export * from './http-agents';
export * from './fetch';
export * from './tls-words';
