import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatStorageError, StorageError } from '../db/store/storage';
import { recoverFromBackup } from '../db/store/backup-service';
import { closeOnSignals, LaunchError, runBrowserMode } from '../electron/browser-mode';
import { buildElectronBundle, findElectronBinary, runElectronApp } from '../electron/launch';
import { defaultDataDir, hasDisplay, parseLaunchArgs, type LaunchArgs } from '../electron/security';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(): Promise<number | null> {
  let args: LaunchArgs;
  try {
    args = parseLaunchArgs(process.argv.slice(2), process.env);
  } catch (error) {
    console.error((error as Error).message);
    return 1;
  }

  if (!args.forceBrowser) {
    if (!hasDisplay(process.platform, process.env)) {
      console.log('Er is geen beeldscherm gevonden voor een venster; Schakel start in de browser.');
    } else {
      const binary = await findElectronBinary();
      if (binary) {
        if (!buildElectronBundle(projectRoot)) {
          console.error('Het bouwen van de desktop-app is mislukt; start Schakel met --browser om de browser te gebruiken.');
          return 1;
        }
        return runElectronApp({ binary, projectRoot, argv: process.argv.slice(2) });
      }
      console.log('Electron is op deze computer niet beschikbaar; Schakel start in de browser.');
    }
  }

  const dataDir = path.resolve(args.dataDir ?? defaultDataDir(process.platform, process.env, os.homedir()));
  const start = () =>
    runBrowserMode({ dataDir, demo: args.demo, port: args.port, staticDir: path.join(projectRoot, 'dist', 'renderer'), open: args.open });
  let handle: Awaited<ReturnType<typeof start>>;
  try {
    handle = await start();
  } catch (error) {
    const message = formatStorageError(error);
    if (!message) throw error;
    const backup = error instanceof StorageError && error.code === 'database_damaged' ? error.details.newestGoodBackup : null;
    if (!backup || !process.argv.includes('--restore-backup')) {
      console.error(message);
      if (backup) {
        console.error('\nStart Schakel opnieuw met --restore-backup om die reservekopie terug te zetten; het beschadigde bestand blijft bewaard.');
      }
      return 1;
    }
    const { damagedFile } = await recoverFromBackup(dataDir, backup);
    console.log(`Reservekopie teruggezet: ${backup}${damagedFile ? ` (beschadigd bestand bewaard als ${damagedFile})` : ''}.`);
    handle = await start();
  }
  closeOnSignals(handle.close);
  // One-time code, valid for 10 minutes; the start file in the data folder always holds a fresh one.
  console.log(`Schakel: ${handle.launchUrl()}`);
  console.log(`Opnieuw openen / open again: ${pathToFileURL(handle.launchFile).href}`);
  return null;
}

main().then(
  (code) => {
    if (code !== null) process.exit(code);
  },
  (error: unknown) => {
    if (error instanceof LaunchError) console.error(error.message);
    else console.error('Schakel kon niet starten:', error);
    process.exit(1);
  },
);
