import { keyedId } from '../../nodes/Clay/recordIds';
import { appUrl, autoMap, byId, byUrl, clayFixture, eachProfile, enriched, leadsTable, namesIn } from './setup';
import type { ClayFixture } from './setup';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const addRecords = (tableId: string, extra: Record<string, unknown> = {}) => ({
	resource: 'record',
	operation: 'add',
	table: byId(tableId),
	cells: autoMap,
	...extra,
});

type Sent = { records: Array<{ id: string; cells: Record<string, unknown> }> };

eachProfile((profile) => {
	let fx: ClayFixture;
	beforeAll(async () => (fx = await clayFixture(profile)));
	afterAll(async () => await fx.sandbox.close());
	beforeEach(() => fx.sandbox.server.clearLog());

	/** Every output id is a record of the table holding that item's Name. */
	const expectStoredAsOutput = (tableId: string, outputs: Array<Record<string, unknown>>, names: unknown[]) => {
		const table = fx.sandbox.tables.get(tableId)!;
		const name = fx.sandbox.fieldId(tableId, 'Name');
		expect(outputs.map((json) => table.records.get(String(json.id))?.cells[name]?.value)).toEqual(names);
	};

	describe('Clay Record → Add', () => {
		test('1,000 items by a key column: a few requests; a second run stores nothing new and outputs the existing records', async () => {
			const table = leadsTable(fx.sandbox);
			const items = Array.from({ length: 1000 }, (_, i) => ({ Name: `Company ${i}`, Email: `ceo@company-${i}.example`, Score: i }));
			const parameters = addRecords(table.id, { recordIdMode: 'key', keyField: 'Email' });

			const first = await fx.run(parameters, items);
			expect(first.error).toBeUndefined();
			expect(first.items).toHaveLength(1000);
			first.items.forEach((item, i) => {
				expect(item.pairedItem).toEqual({ item: i });
				expect(item.json).toMatchObject({ Name: `Company ${i}`, Email: `ceo@company-${i}.example`, Score: i });
				expect(item.json).not.toHaveProperty('_existing');
			});
			expect(table.records.size).toBe(1000);
			expectStoredAsOutput(table.id, first.json, items.map((item) => item.Name));
			// the schema once, the table's record ids once, five batches of 200 (and, where the answer names no records, reading them back)
			expect(fx.sandbox.server.requests('GET', `/v3/tables/${table.id}`)).toHaveLength(1);
			expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/records`)).toHaveLength(5);
			expect(fx.sandbox.server.log.length).toBeLessThanOrEqual(profile.shapes === 'seed' ? 13 : 7);
			expect(fx.sandbox.server.log.every((r) => r.headers.cookie === `claysession=${fx.sandbox.session}`)).toBe(true);
			// cells are keyed by field id, with plain values
			const post = fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/records`)[0].body as Sent;
			expect(post.records[0].cells).toEqual({
				[fx.sandbox.fieldId(table.id, 'Name')]: 'Company 0',
				[fx.sandbox.fieldId(table.id, 'Email')]: 'ceo@company-0.example',
				[fx.sandbox.fieldId(table.id, 'Score')]: 0,
			});

			fx.sandbox.server.clearLog();
			const again = await fx.run(parameters, items.map((item) => ({ ...item, Score: -1 })));
			expect(again.error).toBeUndefined();
			expect(table.records.size).toBe(1000);
			expect(again.json.map((json) => json.id)).toEqual(first.json.map((json) => json.id));
			// the existing records as they are (Score kept), marked as such
			expect(again.json[7]).toMatchObject({ Name: 'Company 7', Score: 7, _existing: true });
			expect(table.records.get(String(first.json[7].id))!.cells[fx.sandbox.fieldId(table.id, 'Score')].value).toBe(7);
			// no create; the key column read once: the view's ids, then the records 500 at a time (and again with enrichment results)
			expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/records`)).toHaveLength(0);
			expect(fx.sandbox.server.log.length).toBeLessThanOrEqual(7);
		});

		test('"If the Key Exists: Update It" writes the items into the existing records; two items with one key are one record', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'Old', Email: 'a@x.example', Score: 1 }]);
			const [existing] = [...table.records.keys()];
			const parameters = addRecords(table.id, { recordIdMode: 'key', keyField: 'Email', onExisting: 'update' });
			const result = await fx.run(parameters, [
				{ Name: 'New A', Email: 'a@x.example', Score: 2 },
				{ Name: 'B', Email: ' b@x.example ', Score: 3 },
				{ Name: 'B again', Email: 'b@x.example', Score: 4 },
			]);
			expect(result.error).toBeUndefined();
			expect(result.json[0]).toMatchObject({ id: existing, Name: 'New A', Score: 2, _existing: true, _update: 'enqueued' });
			expect(result.json[1].id).toBe(result.json[2].id);
			expect(result.json[2]).toMatchObject({ Name: 'B again', Score: 4 });
			expect(table.records.size).toBe(2);
			await sleep(60);
			expect(namesIn(fx.sandbox, table).sort()).toEqual(['B again', 'New A']);
		});

		test('skip (the default): an existing key outputs the record as stored; a duplicate key in one run is one record', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'Kept', Email: 'k@x.example', Score: 1 }]);
			const result = await fx.run(addRecords(table.id, { recordIdMode: 'key', keyField: 'Email' }), [
				{ Name: 'Ignored', Email: 'k@x.example' },
				{ Name: 'New', Email: 'n@x.example' },
				{ Name: 'New twice', Email: 'n@x.example' },
			]);
			expect(result.error).toBeUndefined();
			expect(result.json[0]).toMatchObject({ Name: 'Kept', Score: 1, _existing: true });
			expect(result.json[1]).toMatchObject({ Name: 'New' });
			expect(result.json[2]).toEqual(result.json[1]);
			expect(namesIn(fx.sandbox, table).sort()).toEqual(['Kept', 'New']);
		});

		test('a few keys in a large table are looked up with find where Clay has it, else in the key column', async () => {
			const table = leadsTable(fx.sandbox, Array.from({ length: 1200 }, (_, i) => ({ Name: `n${i}`, Email: `e${i}@x.example` })));
			const result = await fx.run(addRecords(table.id, { recordIdMode: 'key', keyField: 'Email' }), [{ Name: 'dup', Email: 'e5@x.example' }, { Name: 'fresh', Email: 'new@x.example' }]);
			expect(result.error).toBeUndefined();
			expect(result.json[0]).toMatchObject({ Name: 'n5', _existing: true });
			expect(table.records.size).toBe(1201);
			const finds = fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/find`);
			const scans = fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/bulk-fetch-records`).filter((r) => (r.body as { recordIds: string[] }).recordIds.length === 500);
			if (profile.shapes === 'live') {
				expect(finds).toHaveLength(2);
				expect(scans).toHaveLength(0);
			} else {
				expect(scans).toHaveLength(2);
			}
		});

		test('key-derived ids are stable hashes of table and key; generated ids are new each run; the output id is the one Clay stored', async () => {
			expect(keyedId('t_a', 'x@y.com')).toBe(keyedId('t_a', ' x@y.com '));
			expect(keyedId('t_a', 'x@y.com')).not.toBe(keyedId('t_a', 'x@y.com2'));
			expect(keyedId('t_a', 1)).not.toBe(keyedId('t_a', '2'));
			const table = leadsTable(fx.sandbox);
			const items = [{ Name: 'A' }, { Name: 'B' }];
			const one = await fx.run(addRecords(table.id), items);
			const sent = (fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/records`)[0].body as Sent).records.map((record) => record.id);
			const two = await fx.run(addRecords(table.id), items);
			expect(table.records.size).toBe(4);
			expect(new Set([...one.json, ...two.json].map((json) => json.id)).size).toBe(4);
			expect(sent[0]).toMatch(/^r_[A-Za-z0-9]{20}$/);
			expectStoredAsOutput(table.id, [...one.json, ...two.json], ['A', 'B', 'A', 'B']);
			// where Clay assigns its own ids, the output carries Clay's, not the one sent
			if (profile.ids === 'assign') expect(one.json.map((json) => json.id)).not.toEqual(sent);
			else expect(one.json.map((json) => json.id)).toEqual(sent);

			// the next node finds them by the output id
			const got = await fx.run({ resource: 'record', operation: 'get', table: byId(table.id), recordId: '={{ $json.id }}' }, one.json);
			expect(got.error).toBeUndefined();
			expect(got.json.map((json) => json.Name)).toEqual(['A', 'B']);
		});

		test('field names map to ids, in any case; field ids work too; Map Each Column sends the mapped values; a custom id', async () => {
			const table = leadsTable(fx.sandbox);
			const score = fx.sandbox.fieldId(table.id, 'Score');
			const result = await fx.run(addRecords(table.id), [{ name: 'Initech', [score]: 7, id: 'ignored', _status: {} }]);
			expect(result.error).toBeUndefined();
			expect(result.json[0]).toMatchObject({ Name: 'Initech', Score: 7 });
			expect(result.json[0]).not.toHaveProperty('_status');

			const mapped = await fx.run(
				addRecords(table.id, {
					cells: { mappingMode: 'defineBelow', value: { [fx.sandbox.fieldId(table.id, 'Domain')]: '={{ $json.site }}', [score]: '' } },
					recordIdMode: 'custom',
					recordId: '={{ "r_crm_" + $json.crm }}',
				}),
				[{ site: 'initech.example', crm: 4711 }],
			);
			expect(mapped.error).toBeUndefined();
			expect(mapped.json[0]).toEqual(expect.objectContaining({ Domain: 'initech.example' }));
			expect(mapped.json[0]).not.toHaveProperty('Score');
			expect(table.records.has(String(mapped.json[0].id))).toBe(true);
			if (profile.ids === 'assign') expect(mapped.json[0].id).not.toBe('r_crm_4711');
			else expect(mapped.json[0].id).toBe('r_crm_4711');

			// the same custom id again: replaced, refused, or a new record — as Clay does
			const again = await fx.run(addRecords(table.id, { recordIdMode: 'custom', recordId: 'r_crm_4711' }), [{ Name: 'again' }], true);
			if (profile.ids === 'refuse') expect(again.json[0].error).toMatch(/^Item 0: Clay rejected this record: Record id r_crm_4711 already exists/);
			else expect(again.json[0]).toMatchObject({ Name: 'again' });
			expect(table.records.size).toBe(profile.ids === 'honour' ? 2 : profile.ids === 'refuse' ? 2 : 3);
		});

		test('select columns by option name (sent as {optionIds}), users columns as {userIds}; an unknown option fails its item', async () => {
			const table = fx.sandbox.seedTable({
				name: 'Deals',
				fields: [{ name: 'Name' }, { name: 'Stage', type: 'select', options: ['New', 'Won', 'Lost'] }, { name: 'Owner', type: 'users' }],
			});
			const result = await fx.run(addRecords(table.id), [{ Name: 'a', Stage: 'won', Owner: 42 }, { Name: 'b', Stage: 'Maybe' }, { Name: 'c', Stage: null }], true);
			expect(result.json[0]).toMatchObject({ Name: 'a', Stage: 'Won', Owner: { userIds: ['42'] } });
			expect(result.json[1].error).toBe('Item 1: "Maybe" is not an option of the column `Stage`; its options are: New, Won, Lost');
			expect(result.json[2]).toMatchObject({ Name: 'c' });
			const sent = (fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/records`)[0].body as Sent).records[0].cells;
			expect(sent[fx.sandbox.fieldId(table.id, 'Stage')]).toEqual({ optionIds: [fx.sandbox.optionId(table.id, 'Stage', 'Won')] });
			expect(table.records.size).toBe(2);
		});

		test('an unknown field name is an item error listing the field names; nothing is sent for it', async () => {
			const table = leadsTable(fx.sandbox);
			const result = await fx.run(addRecords(table.id), [{ Name: 'Good' }, { Name: 'Bad', Compnay: 'x' }, { Name: 'Also good' }], true);
			expect(result.error).toBeUndefined();
			expect(result.json[0]).toMatchObject({ Name: 'Good' });
			expect(result.json[1].error).toBe(
				`Item 1: \`Compnay\` is not a column of table "Leads" (${table.id}); its columns are: Name, Email, Domain, Score, Company Domain, Headcount`,
			);
			expect(result.items[1].pairedItem).toEqual({ item: 1 });
			expect(result.json[2]).toMatchObject({ Name: 'Also good' });
			expect(table.records.size).toBe(2);

			const strict = await fx.run(addRecords(table.id), [{ Name: 'x', Nope: 1 }]);
			expect(strict.error?.message).toMatch(/^Item 0: `Nope` is not a column of table "Leads"/);

			const ignored = await fx.run(addRecords(table.id, { options: { otherFields: 'ignore' } }), [{ Name: 'kept', Nope: 1 }]);
			expect(ignored.error).toBeUndefined();
			expect(ignored.json[0]).toEqual(expect.objectContaining({ Name: 'kept' }));
		});

		test('a {value: …} wrapped cell fails its item before sending, with what to do', async () => {
			const table = leadsTable(fx.sandbox);
			const result = await fx.run(addRecords(table.id), [{ Name: { value: 'x' } }, { Name: 'fine' }], true);
			expect(result.json[0].error).toMatch(/^Item 0: `Name` is a \{value: …\} object; Clay wants the plain value/);
			expect(result.json[1]).toMatchObject({ Name: 'fine' });
			expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/records`)).toHaveLength(1);
		});

		test('a batch Clay rejects because of one record (400 naming it): the others are stored, the bad item fails alone', async () => {
			const table = leadsTable(fx.sandbox);
			fx.sandbox.server.inject({
				match: (req) => req.method === 'POST' && req.path.endsWith('/records'),
				action: {
					kind: 'status',
					status: 400,
					body: { type: 'BadRequest', code: 'INVALID_VALUE', message: 'Invalid value for field f_x (record r_bad)', recordId: 'r_bad' },
				},
			});
			const items = Array.from({ length: 5 }, (_, i) => ({ Name: `n${i}`, rid: i === 2 ? 'r_bad' : `r_ok_${i}` }));
			const result = await fx.run(addRecords(table.id, { recordIdMode: 'custom', recordId: '={{ $json.rid }}', options: { otherFields: 'ignore' } }), items, true);
			expect(result.json.map((json) => json.error ?? json.Name)).toEqual([
				'n0',
				'n1',
				'Item 2: Clay rejected this record: Invalid value for field f_x (record r_bad) (INVALID_VALUE)',
				'n3',
				'n4',
			]);
			expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/records`)).toHaveLength(2);
			expect(table.records.size).toBe(4);
		});

		test('an answer lost after Clay stored the batch (dropped connection, 502): read back, not sent again, nothing doubled', async () => {
			const table = leadsTable(fx.sandbox);
			const isCreate = (req: { method: string; path: string }) => req.method === 'POST' && req.path.endsWith('/records');
			fx.sandbox.server.inject({ match: isCreate, action: { kind: 'drop-after' } });
			const result = await fx.run(addRecords(table.id), [{ Name: 'a' }, { Name: 'b' }]);
			expect(result.error).toBeUndefined();
			expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/records`)).toHaveLength(1);
			expect(namesIn(fx.sandbox, table).sort()).toEqual(['a', 'b']);
			expectStoredAsOutput(table.id, result.json, ['a', 'b']);

			// a 502 before Clay processed anything: looked up, not found, sent again once
			fx.sandbox.server.clearLog();
			fx.sandbox.server.inject({ match: isCreate, action: { kind: 'status', status: 502 } });
			const retried = await fx.run(addRecords(table.id), [{ Name: 'c' }]);
			expect(retried.error).toBeUndefined();
			expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/records`)).toHaveLength(2);
			expect(namesIn(fx.sandbox, table).sort()).toEqual(['a', 'b', 'c']);
			expectStoredAsOutput(table.id, retried.json, ['c']);
		});

		test('a lost answer that reading back cannot resolve (a view giving only its first page) fails saying it may or may not be stored; nothing is sent twice', async () => {
			const paged = await clayFixture({ ...profile, viewPageLimit: 100, viewLimitParam: false });
			try {
				const table = leadsTable(paged.sandbox, Array.from({ length: 150 }, (_, i) => ({ Name: `old ${i}` })));
				paged.sandbox.server.inject({ match: (req) => req.method === 'POST' && req.path.endsWith('/records'), action: { kind: 'drop-after' } });
				const result = await paged.run(addRecords(table.id), [{ Name: 'lost' }], true);
				expect(paged.sandbox.server.requests('POST', `/v3/tables/${table.id}/records`)).toHaveLength(1);
				expect(namesIn(paged.sandbox, table).filter((name) => name === 'lost')).toHaveLength(1);
				if (profile.ids === 'assign') {
					// Clay stored it under an id of its own, and the view does not list it
					expect(result.json[0].error).toMatch(/^Item 0: The record may or may not have been stored in table "Leads"/);
					expect(result.json[0].description).toMatch(/Check the table before running this item again/);
				} else {
					// found under the id sent
					expect(result.json[0]).toMatchObject({ Name: 'lost' });
				}
			} finally {
				await paged.sandbox.close();
			}
		});

		test('a keyed Add where the view gives only its first page: keys looked up with find, or a clear error where Clay has none', async () => {
			const paged = await clayFixture({ ...profile, viewPageLimit: 100, viewLimitParam: false });
			try {
				const table = leadsTable(paged.sandbox, Array.from({ length: 150 }, (_, i) => ({ Name: `n${i}`, Email: `e${i}@x.example` })));
				const result = await paged.run(addRecords(table.id, { recordIdMode: 'key', keyField: 'Email' }), [{ Name: 'late', Email: 'e140@x.example' }], true);
				if (profile.shapes === 'live') expect(result.json[0]).toMatchObject({ Name: 'n140', _existing: true });
				else expect(result.json[0].error).toMatch(/^Item 0: The view lists only 100 of the table's records and Clay offers no find here/);
				expect(table.records.size).toBe(150);
			} finally {
				await paged.sandbox.close();
			}
		});

		test('a key whose record another writer adds between the read of the keys and the create', async () => {
			const table = leadsTable(fx.sandbox);
			const id = keyedId(table.id, 'race@x.example');
			let raced = false;
			fx.sandbox.server.use((req) => {
				if (!raced && req.method === 'POST' && req.path === `/v3/tables/${table.id}/records`) {
					raced = true;
					const at = new Date().toISOString();
					table.records.set(id, { id, tableId: table.id, cells: { [fx.sandbox.fieldId(table.id, 'Name')]: { value: 'other writer' }, [fx.sandbox.fieldId(table.id, 'Email')]: { value: 'race@x.example' } }, recordMetadata: {}, createdAt: at, updatedAt: at });
				}
				return undefined;
			});
			const result = await fx.run(addRecords(table.id, { recordIdMode: 'key', keyField: 'Email' }), [{ Name: 'mine', Email: 'race@x.example' }], true);
			expect(result.json[0].error).toBeUndefined();
			// Clay refusing the repeated id tells the node the key is there: that record is the output
			if (profile.ids === 'refuse') expect(result.json[0]).toMatchObject({ id, Name: 'other writer', _existing: true });
			if (profile.ids === 'honour') expect(result.json[0]).toMatchObject({ id, Name: 'mine' });
			expect(table.records.has(String(result.json[0].id))).toBe(true);
		});

		test('a keyed batch whose answer was lost is found by its keys', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'there', Email: 't@x.example' }]);
			fx.sandbox.server.inject({ match: (req) => req.method === 'POST' && req.path.endsWith('/records'), action: { kind: 'drop-after' } });
			const parameters = addRecords(table.id, { recordIdMode: 'key', keyField: 'Email' });
			const result = await fx.run(parameters, [{ Name: 'one', Email: '1@x.example' }, { Name: 'two', Email: '2@x.example' }]);
			expect(result.error).toBeUndefined();
			expect(namesIn(fx.sandbox, table).sort()).toEqual(['one', 'there', 'two']);
			expectStoredAsOutput(table.id, result.json, ['one', 'two']);
		});

		test('bad input: an empty table, a key column without a value, an unknown key column', async () => {
			const table = leadsTable(fx.sandbox);
			const empty = await fx.run({ ...addRecords(''), table: byId('={{ $json.t }}') }, [{ Name: 'x', t: '' }], true);
			expect(empty.json[0].error).toMatch(/^Item 0: "Table" is empty/);
			const noKey = await fx.run(addRecords(table.id, { recordIdMode: 'key', keyField: 'Email' }), [{ Name: 'x' }, { Name: 'y', Email: 'y@y.example' }], true);
			expect(noKey.json[0].error).toBe('Item 0: the key column `Email` has no value, so the item has no key');
			expect(noKey.json[1]).toMatchObject({ Email: 'y@y.example' });
			const badKey = await fx.run(addRecords(table.id, { recordIdMode: 'key', keyField: 'Mail' }), [{ Name: 'x' }], true);
			expect(badKey.json[0].error).toMatch(/^Item 0: the key column `Mail` is not a column of table "Leads" .*; its columns are: Name, Email/);
			const unknownTable = await fx.run(addRecords('t_missing'), [{ Name: 'x' }, { Name: 'y' }], true);
			expect(unknownTable.json.map((json) => json.error)).toEqual(['Item 0: Not found in Clay: Table not found', 'Item 1: Not found in Clay: Table not found']);
			// the schema read failed once and is not repeated per item
			expect(fx.sandbox.server.requests('GET', '/v3/tables/t_missing')).toHaveLength(1);
		});
	});

	describe('Clay Record → Update', () => {
		test('updates in batches by name; without Verify the node reports them enqueued', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'A', Score: 1 }, { Name: 'B', Score: 2 }]);
			const [a, b] = [...table.records.keys()];
			const result = await fx.run(
				{ resource: 'record', operation: 'update', table: byId(table.id), recordId: '={{ $json.id }}', cells: autoMap },
				[
					{ id: a, Score: 10 },
					{ id: b, Score: 20, Name: 'B2' },
				],
			);
			expect(result.error).toBeUndefined();
			expect(result.json).toEqual([
				{ id: a, Score: 10, _update: 'enqueued' },
				{ id: b, Score: 20, Name: 'B2', _update: 'enqueued' },
			]);
			const patch = fx.sandbox.server.requests('PATCH');
			expect(patch).toHaveLength(1);
			expect(patch[0].body).toEqual({
				records: [
					{ id: a, cells: { [fx.sandbox.fieldId(table.id, 'Score')]: 10 } },
					{ id: b, cells: { [fx.sandbox.fieldId(table.id, 'Score')]: 20, [fx.sandbox.fieldId(table.id, 'Name')]: 'B2' } },
				],
			});
			await sleep(60);
			expect(table.records.get(b)!.cells[fx.sandbox.fieldId(table.id, 'Name')].value).toBe('B2');
		});

		test('Verify re-reads the records: visible updates, an unknown record, and updates not visible yet', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'A', Score: 1 }]);
			const [a] = [...table.records.keys()];
			const params = (verifyTimeout: number) => ({
				resource: 'record',
				operation: 'update',
				table: byId(table.id),
				recordId: '={{ $json.id }}',
				cells: autoMap,
				options: { verify: true, verifyTimeout },
			});
			const result = await fx.run(params(5), [{ id: a, Score: 5 }, { id: 'r_ghost', Score: 9 }], true);
			expect(result.json[0]).toMatchObject({ id: a, Name: 'A', Score: 5, _update: 'visible' });
			expect(result.json[1].error).toBe(`Item 1: Record r_ghost was not found in table "Leads" (${table.id})`);
			expect(fx.sandbox.server.requests('POST', `/v3/tables/${table.id}/bulk-fetch-records`).length).toBeGreaterThanOrEqual(1);

			const slow = await clayFixture({ ...profile, updateDelayMs: 60_000 });
			try {
				const t = leadsTable(slow.sandbox, [{ Name: 'A', Score: 1 }]);
				const [id] = [...t.records.keys()];
				const late = await slow.run({ ...params(1), table: byId(t.id) }, [{ id, Score: 2, Name: 'A' }]);
				expect(late.error).toBeUndefined();
				expect(late.json[0]).toMatchObject({ id, Score: 1, _update: 'not visible yet', _notVisible: ['Score'] });
			} finally {
				await slow.sandbox.close();
			}
		});

		test('where the bulk update does not exist, each record is patched alone; an unknown one fails alone', async () => {
			const single = await clayFixture({ ...profile, bulkUpdate: false });
			try {
				const table = leadsTable(single.sandbox, [{ Name: 'A' }, { Name: 'B' }]);
				const [a, b] = [...table.records.keys()];
				const result = await single.run(
					{ resource: 'record', operation: 'update', table: byId(table.id), recordId: '={{ $json.id }}', cells: autoMap },
					[{ id: a, Name: 'A2' }, { id: 'r_ghost', Name: 'x' }, { id: b, Name: 'B2' }],
					true,
				);
				expect(result.json.map((json) => json.error ?? json._update)).toEqual(['enqueued', 'Item 1: Not found in Clay: Record not found', 'enqueued']);
				expect(single.sandbox.server.requests('PATCH', `/v3/tables/${table.id}/records`)).toHaveLength(1);
				expect(single.sandbox.server.requests('PATCH', '/v3/tables/:tableId/records/:recordId')).toHaveLength(3);
				expect(single.sandbox.server.requests('PATCH', '/v3/tables/:tableId/records/:recordId')[0].body).toEqual({ [single.sandbox.fieldId(table.id, 'Name')]: 'A2' });
				await sleep(60);
				expect(namesIn(single.sandbox, table)).toEqual(['A2', 'B2']);
			} finally {
				await single.sandbox.close();
			}
		});

		test('bad input: no Record ID, no column to update, an unknown column', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'A' }]);
			const [a] = [...table.records.keys()];
			const result = await fx.run(
				{ resource: 'record', operation: 'update', table: byId(table.id), recordId: '={{ $json.id }}', cells: autoMap },
				[{ Name: 'no id' }, { id: a }, { id: a, Colour: 'red' }, { id: a, Name: 'ok' }],
				true,
			);
			expect(result.json.map((json) => json.error ?? json._update)).toEqual([
				'Item 0: "Record ID" is empty',
				'Item 1: no column to update — map at least one column',
				expect.stringMatching(/^Item 2: `Colour` is not a column of table "Leads" .*; its columns are: Name, Email/),
				'enqueued',
			]);
			expect(fx.sandbox.server.requests('PATCH')).toHaveLength(1);
		});
	});

	describe('Clay Record → Delete / Delete All', () => {
		test('deletes one or many ids per item, batched; never sends an empty list', async () => {
			const table = leadsTable(fx.sandbox, Array.from({ length: 6 }, (_, i) => ({ Name: `n${i}` })));
			const ids = [...table.records.keys()];
			const result = await fx.run(
				{ resource: 'record', operation: 'delete', table: byId(table.id), recordIds: '={{ $json.ids }}', options: { batchSize: 2 } },
				[{ ids: ids[0] }, { ids: [ids[1], ids[2], ids[3]] }, { ids: '' }, { ids: `${ids[4]}, ${ids[4]}` }],
				true,
			);
			expect(result.json).toEqual([
				{ id: ids[0], deleted: true },
				{ ids: [ids[1], ids[2], ids[3]], deleted: true },
				{ error: 'Item 2: "Record IDs" is empty' },
				{ id: ids[4], deleted: true },
			]);
			const deletes = fx.sandbox.server.requests('DELETE');
			expect(deletes).toHaveLength(3);
			expect(deletes.every((req) => Array.isArray((req.body as { recordIds?: unknown }).recordIds) && (req.body as { recordIds: string[] }).recordIds.length > 0)).toBe(true);
			expect([...table.records.keys()]).toEqual([ids[5]]);
		});

		test('Delete All without the confirmation refuses with a clear message and deletes nothing', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'a' }, { Name: 'b' }]);
			// n8n's editor flags the empty parameter; an expression that comes out empty reaches the node
			const missing = await fx.run({ resource: 'record', operation: 'deleteAll', table: byId(table.id), confirmTableId: '={{ $json.confirm }}' }, [{ confirm: '' }]);
			expect(missing.error?.message).toBe(
				`Item 0: Delete All refused — type the table ID (${table.id}) into "Confirm Table ID" to delete every record; nothing was deleted`,
			);
			const wrong = await fx.run({ resource: 'record', operation: 'deleteAll', table: byId(table.id), confirmTableId: 't_other' });
			expect(wrong.error?.message).toBe(
				`Item 0: Delete All refused — "Confirm Table ID" (t_other) is not the ID of the table (${table.id}); nothing was deleted`,
			);
			expect(fx.sandbox.server.log).toHaveLength(0);
			expect(table.records.size).toBe(2);

			const done = await fx.run({ resource: 'record', operation: 'deleteAll', table: byUrl(appUrl(fx.sandbox, table)), confirmTableId: ` ${table.id} ` });
			expect(done.json).toEqual([{ tableId: table.id, deletedAll: true, deletedCount: 2 }]);
			expect(table.records.size).toBe(0);
		});
	});

	describe('Clay Record → Get / Get Many / Count', () => {
		test('get one record, simplified (with enrichment results) and raw; an unknown id is an error item', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'Acme', Domain: 'acme.com' }]);
			const [id] = [...table.records.keys()];
			fx.sandbox.runFields(table.id, ['Headcount']);
			await sleep(150);
			const simple = await fx.run({ resource: 'record', operation: 'get', table: byId(table.id), recordId: '={{ $json.id }}' }, [{ id }, { id: 'r_nope' }], true);
			expect(simple.json[0]).toEqual({
				id,
				Name: 'Acme',
				Domain: 'acme.com',
				Headcount: enriched(fx.sandbox, 'Acme'),
				...(profile.shapes === 'live' ? { _preview: { Headcount: 'enriched:Acme' } } : {}),
				createdAt: expect.any(String),
				updatedAt: expect.any(String),
			});
			expect(simple.json[1].error).toBe('Item 1: Not found in Clay: Record not found');
			const raw = await fx.run({ resource: 'record', operation: 'get', table: byId(table.id), recordId: id, simplify: false });
			expect(raw.json[0]).toMatchObject({ id, tableId: table.id, cells: { [fx.sandbox.fieldId(table.id, 'Name')]: { value: 'Acme' } } });
		});

		test('get many reads the "All rows" view by ids then in bulk, with enrichment results: Return All and Limit', async () => {
			const records = Array.from({ length: 450 }, (_, i) => ({ Name: `n${i}`, Score: i }));
			const table = leadsTable(fx.sandbox, records);
			const all = await fx.run({ resource: 'record', operation: 'getMany', table: byId(table.id), returnAll: true });
			expect(all.error).toBeUndefined();
			expect(all.json.map((json) => json.Score)).toEqual(records.map((record) => record.Score));
			const allRows = table.views.find((view) => view.name === 'All rows')!.id;
			expect(fx.sandbox.server.requests('GET', `/v3/tables/${table.id}/views/${allRows}/records/ids`)).toHaveLength(1);
			const reads = fx.sandbox.server.requests('POST');
			expect(reads.map((req) => (req.body as { recordIds: string[] }).recordIds.length)).toEqual([200, 200, 50]);
			expect(reads[0].body).toMatchObject({ includeExternalContentFieldIds: [fx.sandbox.fieldId(table.id, 'Company Domain'), fx.sandbox.fieldId(table.id, 'Headcount')] });

			fx.sandbox.server.clearLog();
			const some = await fx.run({ resource: 'record', operation: 'getMany', table: byId(table.id), returnAll: false, limit: 5, simplify: false });
			expect(some.json).toHaveLength(5);
			expect(some.json[0]).toHaveProperty('cells');
			expect(fx.sandbox.server.requests('POST').map((req) => (req.body as { recordIds: string[] }).recordIds.length)).toEqual([5]);
		});

		test('a view by id, by URL, or from the table URL; an unknown view', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'a' }, { Name: 'b' }, { Name: 'c' }]);
			const view = table.views[0].id;
			const byView = await fx.run({ resource: 'record', operation: 'getMany', table: byId(table.id), view: byId(view), returnAll: true });
			expect(byView.json.map((json) => json.Name)).toEqual(['a', 'b', 'c']);
			expect(fx.sandbox.server.requests('GET', `/v3/tables/${table.id}/views/${view}/records/ids`)).toHaveLength(1);

			fx.sandbox.server.clearLog();
			const fromTableUrl = await fx.run({ resource: 'record', operation: 'getMany', table: byUrl(appUrl(fx.sandbox, table, view)), returnAll: true });
			expect(fromTableUrl.json).toHaveLength(3);
			expect(fx.sandbox.server.requests('GET', `/v3/tables/${table.id}/views/${view}/records/ids`)).toHaveLength(1);

			const viewUrl = await fx.run({
				resource: 'record',
				operation: 'getMany',
				table: byId(table.id),
				view: byUrl(appUrl(fx.sandbox, table, table.views[1].id)),
				returnAll: false,
				limit: 2,
			});
			expect(viewUrl.json.map((json) => json.Name)).toEqual(['a', 'b']);

			const unknown = await fx.run({ resource: 'record', operation: 'getMany', table: byId(table.id), view: byId('gv_nope'), returnAll: true }, [{}], true);
			expect(unknown.json[0].error).toBe('Item 0: Not found in Clay: View not found');
		});

		test('a view that lists only its first page of ids (100): the rest is asked for with a limit', async () => {
			const paged = await clayFixture({ ...profile, viewPageLimit: 100 });
			try {
				const table = leadsTable(paged.sandbox, Array.from({ length: 150 }, (_, i) => ({ Name: `n${i}` })));
				const all = await paged.run({ resource: 'record', operation: 'getMany', table: byId(table.id), returnAll: true });
				expect(all.json).toHaveLength(150);
				const lists = paged.sandbox.server.requests('GET', '/v3/tables/:tableId/views/:viewId/records/ids');
				expect(lists.map((req) => req.query.limit)).toEqual([undefined, '150']);
			} finally {
				await paged.sandbox.close();
			}
		});

		test('count', async () => {
			const table = leadsTable(fx.sandbox, [{ Name: 'a' }, { Name: 'b' }]);
			const result = await fx.run({ resource: 'record', operation: 'count', table: byId(table.id) });
			expect(result.json).toEqual([{ tableId: table.id, count: 2 }]);
		});
	});
});
