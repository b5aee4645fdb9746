/** `npm run db:migrate` and `npm run db:seed`. */
import { loadConfig } from '../src/lib/server/config.ts';
import { openDatabase } from '../src/lib/server/db/index.ts';
import { isEmpty, seedDemo, DEMO_ACCOUNTS, DEMO_PASSWORD } from '../src/lib/server/seed/demo.ts';

const [command, ...flags] = process.argv.slice(2);
const config = loadConfig(process.env);
const where = config.databaseUrl
	? 'the DATABASE_URL database'
	: `the embedded database in ${config.dataDir}`;

if (command !== 'migrate' && command !== 'seed') {
	console.error('usage: node server/cli.ts migrate | seed [--into-database-url]');
	process.exitCode = 2;
} else if (command === 'seed' && config.databaseUrl && !flags.includes('--into-database-url')) {
	// Decided before the database is opened: opening it would already apply the migrations.
	console.error(
		'Refusing to seed demo accounts into DATABASE_URL. Run `npm run db:seed -- --into-database-url` if you mean it.'
	);
	process.exitCode = 2;
} else {
	const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir });
	try {
		if (command === 'migrate') {
			console.log(`Migrations applied to ${where}.`);
		} else if (!(await isEmpty(database.db))) {
			console.error(`${where} already has users; demo data is only seeded into an empty database.`);
			process.exitCode = 1;
		} else {
			await seedDemo(database.db);
			console.log(`Seeded the fictional Demo Area into ${where}.`);
			for (const a of DEMO_ACCOUNTS) console.log(`  ${a.email}`);
			console.log(`Demo password: ${DEMO_PASSWORD}`);
		}
	} finally {
		await database.close();
	}
}
