import { describe, expect, it } from '@jest/globals';
import { reasonForStatus } from './instance-status.ts';

describe('reasonForStatus', () => {
  it.each([
    ['creating', 'Creating'],
    [undefined, 'Creating'],
    ['available', 'Available'],
    ['backing-up', 'Available'],
    ['storage-optimization', 'Available'],
    ['resetting-master-credentials', 'Available'],
    ['modifying', 'Modifying'],
    ['upgrading', 'Modifying'],
    ['rebooting', 'Modifying'],
    ['a-status-rds-adds-next-year', 'Modifying'],
    ['deleting', 'Deleting'],
    ['failed', 'Failed'],
    ['storage-full', 'Failed'],
    ['incompatible-parameters', 'Failed'],
    ['stopped', 'Failed'],
  ])('%s → %s', (status, reason) => {
    expect(reasonForStatus(status)).toBe(reason);
  });
});
