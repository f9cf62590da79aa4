export { createModdle, SF_NAMESPACE_URI } from './create-moddle.js';
