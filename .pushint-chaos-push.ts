import { motoEnvironment, startMotoServer } from '/work/wt-pushint/local/moto-server';
import { prepareChaosDeps } from '/work/wt-pushint/chaos/deps';
import { formatChaosTable } from '/work/wt-pushint/chaos/chaos-report';
import { runPushChaos } from '/work/wt-pushint/chaos/scenarios/push';
import { FAST, FULL } from '/work/wt-pushint/chaos/sizes';
async function main() {
  const moto = await startMotoServer();
  Object.assign(process.env, motoEnvironment(moto.endpoint));
  const deps = await prepareChaosDeps(['push']);
  try {
    const push = await runPushChaos(process.argv.includes('--full') ? FULL.push : FAST.push, deps);
    console.log(formatChaosTable({ push }));
  } finally { await deps.dispose(); await moto.stop(); }
}
main().catch((e) => { console.error(e); process.exitCode = 1; });
