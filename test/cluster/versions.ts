import { readFileSync } from 'node:fs';

/** The pinned component versions from versions.env, the file provision-binaries.sh also reads. */
export interface Versions {
  kubernetes: string;
  etcd: string;
  kwok: string;
  helm: string;
  moto: string;
}

export function readVersions(): Versions {
  const text = readFileSync(new URL('versions.env', import.meta.url), 'utf8');
  const values = new Map(
    text
      .split('\n')
      .map((line) => /^([A-Z_]+)=(.+)$/.exec(line.trim()))
      .filter((match) => match !== null)
      .map((match) => [match[1], match[2]] as const),
  );
  const get = (key: string): string => {
    const value = values.get(key);
    if (value === undefined) throw new Error(`versions.env has no ${key}`);
    return value;
  };
  return {
    kubernetes: get('KUBERNETES_VERSION'),
    etcd: get('ETCD_VERSION'),
    kwok: get('KWOK_VERSION'),
    helm: get('HELM_VERSION'),
    moto: get('MOTO_VERSION'),
  };
}
