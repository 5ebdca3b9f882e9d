/**
 * What the Extruct sandbox refuses in a body: column configs and row batches. Every problem is
 * collected, as pydantic does, so one 422 names each field that is wrong.
 */
import { isPlainObject } from '../framework';
import { errBool, errDict, errEnum, errList, errMissing, errModel, errString, errValue, parseBool, unprocessable } from './http';
import type { FastApiError, Loc } from './http';
import { EXTRUCT_AGENT_TYPES, EXTRUCT_COLUMN_KINDS, EXTRUCT_OUTPUT_FORMATS } from './types';
import type { ExtructRow, ExtructTable } from './types';

/**
 * Validates column configs. `keys` holds the keys already taken (grows as configs pass),
 * `knownKeys` the keys an `email_column_key` may name.
 */
export function validateColumnConfig(cfg: unknown, loc: Loc, keys: Set<string>, knownKeys: Set<string>): FastApiError[] {
	const errors: FastApiError[] = [];
	if (!isPlainObject(cfg)) return [errModel(loc, cfg)];
	if (cfg.kind === undefined) return [{ type: 'union_tag_not_found', loc, msg: "Unable to extract tag using discriminator 'kind'", input: cfg }];
	if (typeof cfg.kind !== 'string' || !(EXTRUCT_COLUMN_KINDS as readonly string[]).includes(cfg.kind)) {
		return [
			{
				type: 'union_tag_invalid',
				loc,
				msg: `Input tag '${String(cfg.kind)}' found using 'kind' does not match any of the expected tags: ${EXTRUCT_COLUMN_KINDS.map((k) => `'${k}'`).join(', ')}`,
				input: cfg,
			},
		];
	}
	// docs silent: pydantic puts the union tag into `loc` (…, i, "agent", "value", …); the sandbox
	// leaves it out so the path reads as the request body's own path.
	for (const field of ['name', 'key'] as const) {
		if (cfg[field] === undefined) errors.push(errMissing([...loc, field], cfg));
		else if (typeof cfg[field] !== 'string') errors.push(errString([...loc, field], cfg[field]));
		else if (field === 'key' && cfg.key === '')
			errors.push({ type: 'string_too_short', loc: [...loc, 'key'], msg: 'String should have at least 1 character', input: '', ctx: { min_length: 1 } });
	}
	if (typeof cfg.key === 'string' && cfg.key !== '') {
		// docs silent: the API surely refuses two columns with one key; the message is the sandbox's.
		if (keys.has(cfg.key)) errors.push(errValue([...loc, 'key'], `Duplicate column key '${cfg.key}'`, cfg.key));
		else keys.add(cfg.key);
	}
	const vloc = [...loc, 'value'];
	const needValue = (): Record<string, unknown> | undefined => {
		if (cfg.value === undefined) errors.push(errMissing(vloc, cfg));
		else if (!isPlainObject(cfg.value)) errors.push(errModel(vloc, cfg.value));
		else return cfg.value;
		return undefined;
	};
	const needString = (obj: Record<string, unknown>, field: string, at: Loc) => {
		if (obj[field] === undefined) errors.push(errMissing([...at, field], obj));
		else if (typeof obj[field] !== 'string') errors.push(errString([...at, field], obj[field]));
	};
	const needStringList = (obj: Record<string, unknown>, field: string, at: Loc, nonEmpty: boolean) => {
		const list = obj[field];
		if (list === undefined) errors.push(errMissing([...at, field], obj));
		else if (!Array.isArray(list)) errors.push(errList([...at, field], list));
		else {
			if (nonEmpty && list.length === 0)
				errors.push({ type: 'too_short', loc: [...at, field], msg: 'List should have at least 1 item after validation, not 0', input: list, ctx: { field_type: 'List', min_length: 1, actual_length: 0 } });
			list.forEach((item, j) => {
				if (typeof item !== 'string') errors.push(errString([...at, field, j], item));
			});
		}
	};
	switch (cfg.kind) {
		case 'agent': {
			const value = needValue();
			if (!value) break;
			if (value.agent_type === undefined) errors.push(errMissing([...vloc, 'agent_type'], value));
			else if (!(EXTRUCT_AGENT_TYPES as readonly unknown[]).includes(value.agent_type)) errors.push(errEnum([...vloc, 'agent_type'], value.agent_type, EXTRUCT_AGENT_TYPES));
			needString(value, 'prompt', vloc);
			if (value.output_format === undefined) errors.push(errMissing([...vloc, 'output_format'], value));
			else if (!(EXTRUCT_OUTPUT_FORMATS as readonly unknown[]).includes(value.output_format))
				errors.push(errEnum([...vloc, 'output_format'], value.output_format, EXTRUCT_OUTPUT_FORMATS));
			if (value.output_format === 'select' || value.output_format === 'multiselect') needStringList(value, 'labels', vloc, true);
			if (value.output_format === 'json') {
				if (value.output_schema === undefined) errors.push(errMissing([...vloc, 'output_schema'], value));
				else if (!isPlainObject(value.output_schema)) errors.push(errDict([...vloc, 'output_schema'], value.output_schema));
			}
			break;
		}
		case 'criterion_grade': {
			const value = needValue();
			if (value) needString(value, 'criterion', vloc);
			break;
		}
		case 'company_people_finder': {
			const value = needValue();
			// docs silent: whether `roles` may be empty; the sandbox allows it (the finder then looks for a CEO).
			if (value) needStringList(value, 'roles', vloc, false);
			break;
		}
		case 'reverse_email_lookup': {
			needString(cfg, 'email_column_key', loc);
			if (typeof cfg.email_column_key === 'string' && !knownKeys.has(cfg.email_column_key)) {
				errors.push(errValue([...loc, 'email_column_key'], `Column key '${cfg.email_column_key}' not found in table`, cfg.email_column_key));
			}
			break;
		}
		default:
			break;
	}
	return errors;
}

export function validateColumnConfigs(configs: unknown[], loc: Loc, takenKeys: Iterable<string>, extraKnownKeys: Iterable<string> = []): FastApiError[] {
	const keys = new Set(takenKeys);
	const known = new Set<string>([...keys, ...extraKnownKeys]);
	for (const cfg of configs) if (isPlainObject(cfg) && typeof cfg.key === 'string') known.add(cfg.key);
	return configs.flatMap((cfg, i) => validateColumnConfig(cfg, [...loc, i], keys, known));
}


/** A row of a `POST` / `PATCH /rows` batch, checked. */
export interface RowInput {
	id?: string;
	data: Record<string, unknown>;
	metadata?: Record<string, unknown> | null;
}

/**
 * Checks a row batch `{rows, run}`; one bad row refuses the whole batch (422). `patch`: rows may
 * name an existing row by `id` (`rowIds` holds the table's row ids).
 */
export function validateRows(
	body: Record<string, unknown>,
	table: ExtructTable,
	rowIds: ReadonlyMap<string, ExtructRow>,
	patch: boolean,
	maxStringLength: number,
): { rows: RowInput[]; run: boolean } {
	const errors: FastApiError[] = [];
	let run = false;
	if (body.run !== undefined) {
		const parsed = parseBool(body.run);
		if (parsed === undefined) errors.push(errBool(['body', 'run'], body.run));
		else run = parsed;
	}
	if (body.rows === undefined) throw unprocessable([errMissing(['body', 'rows'], body), ...errors]);
	if (!Array.isArray(body.rows)) throw unprocessable([errList(['body', 'rows'], body.rows), ...errors]);
	const keys = new Set(table.columns.map((c) => c.config.key));
	const rows = body.rows.map((item, i) => {
		const loc: Loc = ['body', 'rows', i];
		if (!isPlainObject(item)) {
			errors.push(errModel(loc, item));
			return undefined;
		}
		if (patch && item.id !== undefined && item.id !== null) {
			if (typeof item.id !== 'string') errors.push(errString([...loc, 'id'], item.id));
			else if (!rowIds.has(item.id)) errors.push(errValue([...loc, 'id'], 'Row not found', item.id));
		}
		if (item.data === undefined) errors.push(errMissing([...loc, 'data'], item));
		else if (!isPlainObject(item.data)) errors.push(errDict([...loc, 'data'], item.data));
		else {
			for (const [key, value] of Object.entries(item.data)) {
				// docs silent: a key that is no column of the table; refused, pinpointing the row and key.
				if (!keys.has(key)) errors.push(errValue([...loc, 'data', key], `Unknown column key '${key}'`, value));
				else if (typeof value === 'string' && value.length > maxStringLength) {
					errors.push({
						type: 'string_too_long',
						loc: [...loc, 'data', key],
						msg: `String should have at most ${maxStringLength} characters`,
						input: value,
						ctx: { max_length: maxStringLength },
					});
				}
			}
		}
		if (item.metadata !== undefined && item.metadata !== null && !isPlainObject(item.metadata)) errors.push(errDict([...loc, 'metadata'], item.metadata));
		return {
			id: typeof item.id === 'string' ? item.id : undefined,
			data: (item.data ?? {}) as Record<string, unknown>,
			metadata: item.metadata as Record<string, unknown> | null | undefined,
		};
	});
	if (errors.length) throw unprocessable(errors);
	return { rows: rows as RowInput[], run };
}
