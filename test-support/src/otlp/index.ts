// @stacklens/test-support/otlp: OTLP/HTTP request bodies made by the real OTel JS SDK and its serializer.
export { posLogRequests, withUniqueSuffix } from './posLogRequests.ts';
export { protobufRequest, type PosError } from './posErrors.ts';
