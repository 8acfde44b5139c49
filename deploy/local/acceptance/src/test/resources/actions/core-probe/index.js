// Uses the real @actions/core (installed by the test with npm) exactly as published actions do.
const core = require('@actions/core');

async function run() {
  const who = core.getInput('who-to-greet', { required: true });
  core.info(`Hello ${who} x${core.getInput('times')}`);
  const secret = core.getInput('secret');
  if (secret) {
    core.setSecret(secret);
    core.info(`the secret is ${secret}`);
  }
  core.startGroup('probe group');
  core.info('inside the group');
  core.endGroup();
  core.setOutput('greeting', `hello ${who}`);
  core.exportVariable('PROBE_EXPORTED', 'exported by the probe');
  core.addPath('/opt/probe/bin');
  core.saveState('probe-state', 'saved by main');
  await core.summary.addHeading('Probe summary').addRaw(`greeted ${who}`).write();
  if (core.getBooleanInput('fail')) {
    core.setFailed('the probe was asked to fail');
  }
}

run().catch(error => core.setFailed(error.message));
