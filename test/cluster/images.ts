import { mkdtempSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ClusterError } from './errors.ts';
import { CommandError, run } from './processes.ts';

/** The images the real node runs, built offline by build-images.sh (cached by their inputs) and imported into containerd. */
export const imageRoles = ['api', 'operator', 'coredns', 'metrics-server', 'kubectl', 'pause'] as const;
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
  binaries: { coredns: string; 'metrics-server': string; pause: string; kubectl: string },
  log: (message: string) => void,
): Promise<NodeImages> {
  const started = Date.now();
  let stdout: string;
  try {
    stdout = await run(
      'bash',
      [buildScript, binaries.coredns, binaries['metrics-server'], binaries.pause, binaries.kubectl],
      {
        stderr: 'inherit',
      },
    );
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

/**
 * One more image for a test: `binary` on the distroless stand-in (as coredns and metrics-server are), named `ref`,
 * cached like the node's images and imported into the node's containerd. For tools only some tests run (Prometheus).
 */
export async function buildBinaryImage(
  role: string,
  ref: string,
  binary: string,
  ctr: (args: readonly string[]) => Promise<string>,
): Promise<string> {
  const stdout = await run('bash', [buildScript, '--binary', role, ref, binary], { stderr: 'inherit' });
  const archive = new RegExp(`^${role}=\\S+ (\\S+)$`, 'm').exec(stdout)?.[1];
  if (!archive) throw new ClusterError(`${buildScript} did not report the ${role} image`);
  await ctr(['images', 'import', archive]);
  return ref;
}

/** Imports every image into the node's containerd (namespace k8s.io, where the kubelet looks). */
export async function importImages(
  images: NodeImages,
  ctr: (args: readonly string[]) => Promise<string>,
): Promise<void> {
  for (const role of imageRoles) await ctr(['images', 'import', images[role].archive]);
}

/**
 * A new image built on top of `image` (one more label, so a new image ID and a new name), imported into the node's
 * containerd: what an upgrade test rolls to, standing in for the next release of the same Dockerfile.
 */
export async function buildNextImage(
  image: NodeImage,
  build: string,
  ctr: (args: readonly string[]) => Promise<string>,
): Promise<string> {
  const cache = process.env.PETSTORE_CACHE ?? join(homedir(), '.cache', 'petstore-operator');
  const buildah = (args: readonly string[]): Promise<string> =>
    run('buildah', [
      '--root',
      join(cache, 'buildah', 'storage'),
      '--runroot',
      join(cache, 'buildah', 'run'),
      '--storage-driver',
      'overlay',
      ...args,
    ]);
  const ref = `${image.ref.slice(0, image.ref.lastIndexOf(':'))}:${build}`;
  const dir = mkdtempSync(join(tmpdir(), 'petstore-image-'));
  try {
    const container = (await buildah(['from', '--quiet', '--pull=never', image.ref])).trim();
    await buildah(['config', '--label', `petstore.example.com/build=${build}`, container]);
    await buildah(['commit', '--quiet', '--rm', container, ref]);
    await buildah(['push', '--quiet', ref, `docker-archive:${join(dir, 'image.tar')}:${ref}`]);
    await ctr(['images', 'import', join(dir, 'image.tar')]);
    await buildah(['rmi', ref]).catch(() => undefined);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return ref;
}
