/**
 * A static scan for module-level mutable state in the package's sources: state that would
 * live in one worker process and be missing (or different) in the next one in queue mode, or
 * leak from one execution into another in the same process. With the TypeScript parser:
 *
 * - a top-level `let` or `var`;
 * - a top-level `const` holding a container (`new Map/Set/WeakMap/...`, any `new`, an array or
 *   object literal) that the module — or a module importing it — changes: a mutating call
 *   (`set`, `add`, `push`, `delete`, `splice`, ...), an assignment to one of its members (also
 *   `++`, `delete`, `Object.assign`);
 * - a class `static` field that is not `readonly`, or a `static readonly` container changed
 *   through `ClassName.field`;
 * - a top-level function run at once (an IIFE) that declares state of its own (a closure).
 *
 * Constant tables (descriptions, option lists, Sets of names that are only read) pass. The
 * scan follows names, not values: a container handed to another variable first and changed
 * through that one is not seen.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

import ts from 'typescript';

export interface Finding {
	file: string;
	line: number;
	name: string;
	why: string;
}

const MUTATORS = new Set(['set', 'add', 'delete', 'clear', 'push', 'pop', 'shift', 'unshift', 'splice', 'sort', 'reverse', 'fill', 'copyWithin']);
const MUTATING_FUNCTIONS = new Set(['Object.assign', 'Object.defineProperty', 'Object.defineProperties', 'Object.setPrototypeOf', 'Reflect.set', 'Reflect.defineProperty']);

export function sourceFiles(dirs: string[]): string[] {
	const files: string[] = [];
	const walk = (dir: string) => {
		for (const entry of readdirSync(dir, { withFileTypes: true })) {
			const file = path.join(dir, entry.name);
			if (entry.isDirectory()) walk(file);
			else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(file);
		}
	};
	for (const dir of dirs) walk(dir);
	return files.sort();
}

const isContainer = (node: ts.Expression): boolean => {
	const inner = ts.isAsExpression(node) || ts.isSatisfiesExpression(node) || ts.isParenthesizedExpression(node) ? node.expression : node;
	return ts.isNewExpression(inner) || ts.isArrayLiteralExpression(inner) || ts.isObjectLiteralExpression(inner);
};

const lineOf = (source: ts.SourceFile, node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;

/** The name a property-access or element-access chain starts from (`a` of `a.b[c].d`), with the chain's text. */
function rootOf(node: ts.Expression): { root: string; chain: string } | undefined {
	let current: ts.Expression = node;
	while (ts.isPropertyAccessExpression(current) || ts.isElementAccessExpression(current) || ts.isNonNullExpression(current) || ts.isParenthesizedExpression(current)) {
		current = current.expression;
	}
	if (ts.isIdentifier(current)) return { root: current.text, chain: node.getText() };
	return undefined;
}

/** Each place in `source` where a name of `watched` (local name → binding label) is changed. */
function mutations(source: ts.SourceFile, watched: Map<string, string>): Array<{ label: string; line: number; how: string }> {
	const found: Array<{ label: string; line: number; how: string }> = [];
	const note = (target: ts.Expression, how: string, at: ts.Node, memberOnly = true) => {
		const root = rootOf(target);
		if (!root) return;
		// `x = ...` on a const is a compile error; a member of it (`x.a = `, `x[k] = `) is a change.
		if (memberOnly && root.chain === root.root) return;
		for (const [name, label] of watched) {
			if (root.root === name || root.chain === name || root.chain.startsWith(`${name}.`) || root.chain.startsWith(`${name}[`)) {
				found.push({ label, line: lineOf(source, at), how });
			}
		}
	};
	const visit = (node: ts.Node) => {
		if (ts.isBinaryExpression(node) && node.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && node.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
			note(node.left, `${node.left.getText()} ${node.operatorToken.getText()} …`, node);
		}
		if ((ts.isPrefixUnaryExpression(node) || ts.isPostfixUnaryExpression(node)) && (node.operator === ts.SyntaxKind.PlusPlusToken || node.operator === ts.SyntaxKind.MinusMinusToken)) {
			note(node.operand, node.getText(), node);
		}
		if (ts.isDeleteExpression(node)) note(node.expression, node.getText(), node);
		if (ts.isCallExpression(node)) {
			const callee = node.expression;
			if (ts.isPropertyAccessExpression(callee) && MUTATORS.has(callee.name.text)) note(callee.expression, `${callee.getText()}(…)`, node, false);
			if (MUTATING_FUNCTIONS.has(callee.getText()) && node.arguments[0]) note(node.arguments[0], `${callee.getText()}(${node.arguments[0].getText()}, …)`, node, false);
		}
		ts.forEachChild(node, visit);
	};
	visit(source);
	return found;
}

/** Whether a function body declares state that outlives one call of what it returns. */
function declaresState(body: ts.Node): boolean {
	let state = false;
	const visit = (node: ts.Node) => {
		if (ts.isVariableDeclarationList(node) && !(node.flags & ts.NodeFlags.Const)) state = true;
		if (ts.isVariableDeclaration(node) && node.initializer && isContainer(node.initializer)) state = true;
		if (!state) ts.forEachChild(node, visit);
	};
	visit(body);
	return state;
}

function immediatelyInvoked(node: ts.Expression | undefined): ts.Node | undefined {
	let current = node;
	while (current && (ts.isAwaitExpression(current) || ts.isParenthesizedExpression(current) || ts.isVoidExpression(current))) current = current.expression;
	if (!current || !ts.isCallExpression(current)) return undefined;
	let callee: ts.Expression = current.expression;
	while (ts.isParenthesizedExpression(callee)) callee = callee.expression;
	return ts.isFunctionExpression(callee) || ts.isArrowFunction(callee) ? callee.body : undefined;
}

interface ParsedModule {
	file: string;
	source: ts.SourceFile;
	/** Exported or local name → binding label (`file:name`), for the module's own mutable containers. */
	containers: Map<string, string>;
	/** Local import name → [resolved file, exported name]. */
	imports: Map<string, [string, string]>;
}

/** Scans `files` (as `{ path: text }` or from disk) and returns every finding, in file order. */
export function scanModuleState(files: string[], read: (file: string) => string = (file) => readFileSync(file, 'utf8'), root = process.cwd()): Finding[] {
	const findings: Finding[] = [];
	const relative = (file: string) => path.relative(root, file);
	const modules = new Map<string, ParsedModule>();

	for (const file of files) {
		const source = ts.createSourceFile(file, read(file), ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
		const module: ParsedModule = { file, source, containers: new Map(), imports: new Map() };
		modules.set(path.resolve(file), module);
		for (const statement of source.statements) {
			if (ts.isImportDeclaration(statement) && ts.isStringLiteral(statement.moduleSpecifier) && statement.moduleSpecifier.text.startsWith('.')) {
				const target = path.resolve(path.dirname(file), `${statement.moduleSpecifier.text}.ts`);
				const bindings = statement.importClause?.namedBindings;
				if (bindings && ts.isNamedImports(bindings)) {
					for (const element of bindings.elements) module.imports.set(element.name.text, [target, (element.propertyName ?? element.name).text]);
				}
			}
			if (ts.isVariableStatement(statement)) {
				const constant = (statement.declarationList.flags & ts.NodeFlags.Const) !== 0;
				for (const declaration of statement.declarationList.declarations) {
					const name = declaration.name.getText(source);
					if (!constant) {
						findings.push({ file: relative(file), line: lineOf(source, declaration), name, why: `module-level ${statement.declarationList.getText(source).startsWith('var') ? 'var' : 'let'}` });
						continue;
					}
					if (declaration.initializer && isContainer(declaration.initializer) && ts.isIdentifier(declaration.name)) {
						module.containers.set(name, `${relative(file)}:${name}`);
					}
					const body = immediatelyInvoked(declaration.initializer);
					if (body && declaresState(body)) findings.push({ file: relative(file), line: lineOf(source, declaration), name, why: 'module-level closure with its own state (a function run at load time)' });
				}
			}
			if (ts.isExpressionStatement(statement)) {
				const body = immediatelyInvoked(statement.expression);
				if (body && declaresState(body)) findings.push({ file: relative(file), line: lineOf(source, statement), name: '(function run at load time)', why: 'module-level closure with its own state' });
			}
			if (ts.isClassDeclaration(statement) && statement.name) {
				for (const member of statement.members) {
					if (!ts.isPropertyDeclaration(member)) continue;
					const modifiers = ts.getModifiers(member) ?? [];
					if (!modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.StaticKeyword)) continue;
					const name = `${statement.name.text}.${member.name.getText(source)}`;
					if (!modifiers.some((modifier) => modifier.kind === ts.SyntaxKind.ReadonlyKeyword)) {
						findings.push({ file: relative(file), line: lineOf(source, member), name, why: 'static class field that is not readonly' });
					} else if (member.initializer && isContainer(member.initializer)) {
						module.containers.set(name, `${relative(file)}:${name}`);
					}
				}
			}
		}
	}

	for (const module of modules.values()) {
		// Its own containers, and those it imports from another scanned module.
		const watched = new Map(module.containers);
		for (const [local, [target, exported]] of module.imports) {
			const label = modules.get(target)?.containers.get(exported);
			if (label) watched.set(local, label);
		}
		if (!watched.size) continue;
		const seen = new Set<string>();
		for (const change of mutations(module.source, watched)) {
			const key = `${change.label}@${change.line}`;
			if (seen.has(key)) continue;
			seen.add(key);
			findings.push({ file: relative(module.file), line: change.line, name: change.label.split(':')[1], why: `module-level container changed: ${change.how} (declared in ${change.label.split(':')[0]})` });
		}
	}
	return findings;
}
