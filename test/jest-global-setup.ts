import { makeScratchRoot } from './scratch-root.ts';

export default makeScratchRoot;
