/**
 * Cell values as Clay wants them written, and select values read back as option names.
 * zapier/connectors apps/clay (live): text, number, url, email, date and boolean cells take a
 * plain value; a `select` cell takes `{optionIds: [id]}` (ids from the field's
 * `typeSettings.dataTypeSettings.options`, `{id, text}`), a `users` cell `{userIds: [id]}`. The
 * seed shows plain values only: a select field whose schema lists no options is written plain.
 * A number column takes a number: a number given as text is sent as a number.
 */
import type { IDataObject } from 'n8n-workflow';

import type { ClayField } from './api';

export interface SelectOption {
	id: string;
	name: string;
}

const SELECT_TYPES = new Set(['select', 'multiselect', 'multi_select']);
const USERS_TYPES = new Set(['users', 'user']);

export const isSelectField = (field: ClayField): boolean => SELECT_TYPES.has(String(field.type));
export const isUsersField = (field: ClayField): boolean => USERS_TYPES.has(String(field.type));

export const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The option an item names, by id or name (exact, else ignoring case and surrounding spaces). */
export function findOption(options: SelectOption[], wanted: unknown): SelectOption | undefined {
	const text = String(wanted).trim();
	return options.find((option) => option.id === text || option.name === text) ?? options.find((option) => option.name.trim().toLowerCase() === text.toLowerCase());
}

/** A number given as a number or as text (`"42"`, `" 4.50 "`), as a number; `undefined` for anything else. */
export function numberOf(value: unknown): number | undefined {
	if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
	if (typeof value !== 'string' || value.trim() === '') return undefined;
	const number = Number(value.trim());
	return Number.isFinite(number) ? number : undefined;
}

/** A select field's options, wherever the schema keeps them; empty when it lists none (or it is no select field). */
export function optionsOf(field: ClayField): SelectOption[] {
	if (!isSelectField(field)) return [];
	const settings = (field.typeSettings ?? {}) as IDataObject;
	const candidates = [(settings.dataTypeSettings as IDataObject | undefined)?.options, settings.options, field.options];
	const list = candidates.find(Array.isArray) as unknown[] | undefined;
	return (list ?? []).flatMap((option) => {
		if (!isObject(option) || typeof option.id !== 'string') return [];
		const name = option.text ?? option.name ?? option.label ?? option.id;
		return [{ id: option.id, name: String(name) }];
	});
}

/** The values an item gives for a select or users cell: one, a list, or a comma-separated text. */
function listOfValues(value: unknown): unknown[] {
	if (Array.isArray(value)) return value;
	if (typeof value === 'string' && value.includes(',')) return value.split(',').map((part) => part.trim()).filter(Boolean);
	return [value];
}

/**
 * The value to send for `field`. Throws an item error naming the column for a select option the
 * field does not have.
 */
export function cellForWrite(field: ClayField, value: unknown, itemIndex: number): unknown {
	if (value === null || value === undefined || value === '') return value === undefined ? null : value;
	if (isSelectField(field)) {
		const options = optionsOf(field);
		if (!options.length) return value;
		if (isObject(value) && Array.isArray(value.optionIds)) value = value.optionIds;
		const ids: string[] = [];
		const unknown: string[] = [];
		for (const wanted of listOfValues(value)) {
			const option = findOption(options, wanted);
			if (option) {
				if (!ids.includes(option.id)) ids.push(option.id);
			} else unknown.push(`"${String(wanted).trim()}"`);
		}
		if (unknown.length) {
			const names = options.map((option) => option.name).join(', ');
			throw new Error(`Item ${itemIndex}: ${unknown.join(', ')} ${unknown.length === 1 ? 'is not an option' : 'are not options'} of the column \`${field.name}\`; its options are: ${names}`);
		}
		return { optionIds: ids };
	}
	if (isUsersField(field)) {
		if (isObject(value) && Array.isArray(value.userIds)) return { userIds: value.userIds.map(String) };
		return { userIds: listOfValues(value).map((id) => String(id).trim()).filter(Boolean) };
	}
	// a number column gets a number for a number given as text (a CSV, a form): stored and found typed
	if (field.type === 'number' && typeof value === 'string') return numberOf(value) ?? value;
	return value;
}

/** A select cell's value as option names (one name, or a list), when it holds option ids; else the value as it is. */
export function selectValueForRead(field: ClayField | undefined, value: unknown): unknown {
	if (!field) return value;
	const options = optionsOf(field);
	if (!options.length) return value;
	const ids = isObject(value) && Array.isArray(value.optionIds) ? value.optionIds : Array.isArray(value) ? value : typeof value === 'string' ? [value] : undefined;
	if (!ids) return value;
	const names = ids.map((id) => options.find((option) => option.id === id)?.name);
	if (names.some((name) => name === undefined)) return value;
	// a single-choice select reads as one name; a multi-select (or several ids) as a list
	return String(field.type) === 'select' && names.length === 1 ? names[0] : names;
}
