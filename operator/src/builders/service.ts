import type { V1Service } from '@kubernetes/client-node';
import type { BuildInputs } from '../spec/build-inputs.ts';
import { childMetadata, childNames, selectorLabels } from './metadata.ts';

/** ClusterIP Service, port 80 to the pods' 8080. */
export function buildService({ petStore }: BuildInputs): V1Service {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: childMetadata(petStore, childNames(petStore).service),
    spec: {
      type: 'ClusterIP',
      selector: selectorLabels(petStore),
      ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }],
    },
  };
}
