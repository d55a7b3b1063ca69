/** Calls to URLs an admin typed in: private targets refused unless allowed, no cross-origin redirects, peer text redacted. */
export { OutboundPolicy, ALLOW_PRIVATE_TARGETS, type OutboundFetch } from './OutboundPolicy.ts';
export { OutboundRefusedError, outboundRefusal } from './OutboundRefusedError.ts';
export { privateAddressKind } from './privateAddress.ts';
export { peerText, MAX_PEER_TEXT } from './peerText.ts';
export { withGlobalFetch } from './withGlobalFetch.ts';
