// Copies of the chart for install/upgrade/uninstall tests on the shared test cluster. A copy serves the resource under
// its own API group and names (HelmtestPetStore, helmtestpetstores; HelmtestPetStoreBackup), so installing it, upgrading its CRD schema and
// uninstalling it cannot touch the PetStore CRD that other test files use at the same time, nor make `kubectl get
// petstores` ambiguous for them. Everything else is the chart as it ships.
import { cpSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { chartDir, repoRoot } from './chart.ts';
import { scratchDir } from '../scratch.ts';

const realGroup = 'petstore.example.com';
const chartCrdTemplate = 'templates/crds/petstores.petstore.example.com.yaml';

export interface IsolatedChartOptions {
  /** The API group that replaces petstore.example.com everywhere in the chart. */
  group: string;
  /** Chart version and appVersion of the copy; default: the chart's own. */
  version?: string;
  /** Leave this property of PetStore spec out of the CRD, as an older chart version would have. */
  withoutSpecField?: string;
}

/** A chart directory in a temporary folder: charts/petstore-operator with the changes asked for. */
export function isolatedChart(options: IsolatedChartOptions): string {
  const dir = path.join(scratchDir('petstore-chart-'), 'petstore-operator');
  cpSync(chartDir, dir, { recursive: true });
  if (options.withoutSpecField) writeOlderCrd(dir, options.withoutSpecField);
  if (options.version) {
    const chartFile = path.join(dir, 'Chart.yaml');
    const chart = readFileSync(chartFile, 'utf8')
      .replace(/^version: .*$/m, `version: ${options.version}`)
      .replace(/^appVersion: .*$/m, `appVersion: "${options.version}"`);
    writeFileSync(chartFile, chart);
  }
  for (const file of filesUnder(dir)) {
    const text = readFileSync(file, 'utf8');
    const renamed = renames.reduce(
      (result, [from, to]) => result.replaceAll(from, to),
      text.replaceAll(realGroup, options.group),
    );
    if (renamed !== text) writeFileSync(file, renamed);
  }
  return dir;
}

/** The resource's names in the copy. */
export const isolatedNames = { kind: 'HelmtestPetStore', plural: 'helmtestpetstores' } as const;

const renames: readonly [RegExp, string][] = [
  // The PetStoreBackup CRD too: a copy's kind must never answer to the names other test files use.
  [/\bpetstorebackups\b/g, 'helmtestpetstorebackups'],
  [/\bkind: PetStoreBackup\b/g, 'kind: HelmtestPetStoreBackup'],
  [/\blistKind: PetStoreBackupList\b/g, 'listKind: HelmtestPetStoreBackupList'],
  [/\bsingular: petstorebackup\b/g, 'singular: helmtestpetstorebackup'],
  [/\bshortNames: \[psb\]/g, 'shortNames: [htpsb]'],
  [/\bpetstores\b/g, isolatedNames.plural],
  [/\bkind: PetStore\b/g, `kind: ${isolatedNames.kind}`],
  [/\blistKind: PetStoreList\b/g, `listKind: ${isolatedNames.kind}List`],
  [/\bsingular: petstore\b/g, 'singular: helmtestpetstore'],
  [/\bshortNames: \[ps\]/g, 'shortNames: [htps]'],
  [/\bcategories: \[petstore\]/g, 'categories: [helmtest]'],
];

/** The chart's CRD template rebuilt from crds/ without one spec property (still templated and kept). */
function writeOlderCrd(dir: string, field: string): void {
  const crd = parse(readFileSync(path.join(repoRoot, 'crds/petstore.example.com_petstores.yaml'), 'utf8')) as {
    metadata: { name: string };
    spec: {
      names: Record<string, unknown>;
      versions: { schema: { openAPIV3Schema: { properties: { spec: { properties: Record<string, unknown> } } } } }[];
    };
  };
  // The same names the text renames give the current chart's CRD, set here because this file is written as YAML.
  crd.metadata.name = `${isolatedNames.plural}.${realGroup}`;
  crd.spec.names = {
    kind: isolatedNames.kind,
    listKind: `${isolatedNames.kind}List`,
    plural: isolatedNames.plural,
    singular: 'helmtestpetstore',
    shortNames: ['htps'],
    categories: ['helmtest'],
  };
  for (const version of crd.spec.versions) {
    const spec = version.schema.openAPIV3Schema.properties.spec;
    if (!(field in spec.properties)) throw new Error(`the PetStore CRD has no spec.${field} to leave out`);
    spec.properties = Object.fromEntries(Object.entries(spec.properties).filter(([name]) => name !== field));
  }
  const body = stringify({ ...crd, metadata: { ...crd.metadata, annotations: { 'helm.sh/resource-policy': 'keep' } } });
  writeFileSync(path.join(dir, chartCrdTemplate), `{{- if .Values.crds.enabled }}\n${body}{{- end }}\n`);
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((entry) => {
    const full = path.join(dir, entry);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}
