import { fileURLToPath } from 'node:url';
import { ClusterError } from './errors.ts';
import { CommandError, run } from './processes.ts';

/** The images the real node runs, built offline by build-images.sh (cached by their inputs) and imported into containerd. */
export const imageRoles = ['api', 'operator', 'coredns', 'metrics-server', 'pause'] as const;
export type ImageRole = (typeof imageRoles)[number];
export interface NodeImage {
  /** The name pods use, e.g. localhost/petstore-api:local-<hash of the inputs>. */
  ref: string;
  /** A docker-archive in the cache; `<archive>.packages.txt` lists its base's packages. */
  archive: string;
}
export type NodeImages = Record<ImageRole, NodeImage>;

const buildScript = fileURLToPath(new URL('build-images.sh', import.meta.url));

export async function buildImages(
  binaries: { coredns: string; 'metrics-server': string; pause: string },
  log: (message: string) => void,
): Promise<NodeImages> {
  const started = Date.now();
  let stdout: string;
  try {
    stdout = await run('bash', [buildScript, binaries.coredns, binaries['metrics-server'], binaries.pause], {
      stderr: 'inherit',
    });
  } catch (error) {
    if (!(error instanceof CommandError)) throw error;
    throw new ClusterError('the real node cannot start without its images (the error above says why)', {
      reported: true,
    });
  }
  const images: Partial<NodeImages> = {};
  for (const line of stdout.split('\n')) {
    const match = /^([a-z-]+)=(\S+) (\S+)$/.exec(line.trim());
    if (match && (imageRoles as readonly string[]).includes(match[1] ?? '')) {
      images[match[1] as ImageRole] = { ref: match[2] ?? '', archive: match[3] ?? '' };
    }
  }
  for (const role of imageRoles) {
    if (!images[role]) throw new ClusterError(`${buildScript} did not report the ${role} image`);
  }
  log(`images ready after ${((Date.now() - started) / 1000).toFixed(1)}s`);
  return images as NodeImages;
}

/** Imports every image into the node's containerd (namespace k8s.io, where the kubelet looks). */
export async function importImages(
  images: NodeImages,
  ctr: (args: readonly string[]) => Promise<string>,
): Promise<void> {
  for (const role of imageRoles) await ctr(['images', 'import', images[role].archive]);
}
