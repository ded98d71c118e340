import { removeScratchRoot } from './scratch-root.ts';

export default removeScratchRoot;
