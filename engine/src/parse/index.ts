export { parseBpmn, type ParseOptions, type ParseResult } from './parse-bpmn.js';
export { decodeSource, type DecodedSource } from './decode-source.js';
export {
  createElementLocator,
  positionAt,
  type ElementLocator,
  type SourcePosition,
} from './element-locator.js';
