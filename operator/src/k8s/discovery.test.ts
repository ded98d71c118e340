import { describe, expect, it } from '@jest/globals';
import { MonitoringDiscovery, servesMonitoring } from './discovery.ts';

describe('servesMonitoring', () => {
  it.each([
    [['servicemonitors', 'podmonitors', 'prometheusrules', 'prometheuses'], true],
    [['servicemonitors'], false],
    [[], false],
  ])('%j → %s', (resources, served) => expect(servesMonitoring(resources)).toBe(served));
});

describe('MonitoringDiscovery', () => {
  it('notices CRDs installed later, and keeps its answer when discovery fails', async () => {
    const answers: (string[] | Error)[] = [[], new Error('connection refused'), ['servicemonitors', 'prometheusrules']];
    const discovery = new MonitoringDiscovery(() => {
      const next = answers.shift();
      return next instanceof Error ? Promise.reject(next) : Promise.resolve(next ?? []);
    });
    expect(await discovery.refresh()).toEqual({ served: false, changed: false });
    expect(await discovery.refresh()).toEqual({ served: false, changed: false });
    expect(await discovery.refresh()).toEqual({ served: true, changed: true });
    expect(discovery.served).toBe(true);
  });
});
