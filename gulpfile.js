/**
 * `gulp build:icons` (run by `npm run build` after tsc): copies the node and credential
 * icons into dist/, keeping their paths, as n8n-nodes-starter does — tsc copies only code.
 */
const { src, dest, task } = require('gulp');

function copyIcons() {
	// encoding: false — gulp 5 reads files as UTF-8 text by default, which would corrupt PNGs.
	return src(['nodes/**/*.{png,svg}', 'credentials/**/*.{png,svg}'], {
		base: '.',
		encoding: false,
		allowEmpty: true,
	}).pipe(dest('dist'));
}

task('build:icons', copyIcons);
