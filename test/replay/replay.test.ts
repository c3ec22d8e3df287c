import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { historyFromJSON } from '@temporalio/common/lib/proto-utils.js';
import { Worker } from '@temporalio/worker';
import { testServers } from '../support/servers.js';

const HISTORIES = path.join(process.cwd(), 'test', 'replay', 'histories');

/**
 * Recorded ticket histories replayed against the current workflow code: a change that would
 * make a running ticket non-deterministic fails here, before it reaches a cluster.
 */
describe('replay of recorded ticket histories', () => {
  it('has recorded a run started before the command loop handing over to it', async () => {
    const { history } = JSON.parse(await readFile(path.join(HISTORIES, 'hand-over-pre-loop-run.json'), 'utf8')) as { history: { events: { eventType: string }[] } };
    expect(history.events.at(-1)?.eventType).toBe('EVENT_TYPE_WORKFLOW_EXECUTION_CONTINUED_AS_NEW');
  });

  it('replays every recorded history without a non-determinism error', async () => {
    const files = (await readdir(HISTORIES)).filter((file) => file.endsWith('.json')).sort();
    // Both code paths are covered: runs recorded before the command loop (frozen code) and after it.
    expect(files.filter((file) => file.startsWith('before-command-loop-') || file.startsWith('before-channel-automation-')).length).toBeGreaterThanOrEqual(3);
    expect(files.filter((file) => file.startsWith('command-loop-')).length).toBeGreaterThanOrEqual(3);
    for (const file of files) {
      const { workflowId, history } = JSON.parse(await readFile(path.join(HISTORIES, file), 'utf8')) as { workflowId: string; history: unknown };
      await expect(
        Worker.runReplayHistory({ workflowBundle: { codePath: testServers().workflowBundlePath } }, historyFromJSON(history), workflowId),
      ).resolves.toBeUndefined();
    }
  });
});
