'use strict';
// ace-counts.js OUTDIR EPUB... - Ace by DAISY on each EPUB, in one Node
// process (one Chromium start per book, no Node start each), for
// tests/group_ace.sh.  Ace's report of a book D/X.epub is written to
// OUTDIR/D-X/ (report.json, report.html).
// Prints per book one line
//   COUNTS <path> critical=N serious=N moderate=N minor=N
// then, for each violation, an indented line: impact, rule, file, selector
// and Ace's description (the first 160 characters).  A book Ace cannot
// check prints `ERROR <path> <message>`.  Exit 0 when every book was
// checked (whatever it found), 1 when one could not be.
// Chromium: PUPPETEER_EXECUTABLE_PATH (Ace's puppeteer runner starts it
// headless with --no-sandbox, which running as root needs).
const path = require('path');
const ace = require('@daisy/ace-core');
const axeRunner = require('@daisy/ace-axe-runner-puppeteer');
const winston = require('winston');

// Ace logs through winston; with no transport winston complains on stderr
// about every message.  The counts below are all this prints.
winston.add(new winston.transports.Console({ silent: true }));

const IMPACTS = ['critical', 'serious', 'moderate', 'minor'];

async function one(outdir, epub) {
	const [, report] = await ace(epub, {
		cwd: process.cwd(), silent: true, jobId: '', lang: 'en',
		outdir: path.join(outdir, path.basename(path.dirname(epub)) + '-' +
			path.basename(epub, '.epub')),
	}, axeRunner);
	const counts = Object.fromEntries(IMPACTS.map(i => [i, 0]));
	const lines = [];
	for (const doc of report.assertions || []) {
		for (const a of doc.assertions || []) {
			const impact = a['earl:test']['earl:impact'] || 'minor';
			counts[impact] = (counts[impact] || 0) + 1;
			const res = a['earl:result'] || {};
			const css = ((res['earl:pointer'] || {}).css || []).join(' ');
			const desc = (res['dct:description'] || '').replace(/\s+/g, ' ');
			lines.push(`  ${impact} ${a['earl:test']['dct:title']} ` +
				`${doc['earl:testSubject']['url']} ${css}: ${desc.slice(0, 160)}`);
		}
	}
	console.log(`COUNTS ${epub} ` + IMPACTS.map(i => `${i}=${counts[i]}`).join(' '));
	for (const l of lines) console.log(l);
}

(async () => {
	let bad = 0;
	const [outdir, ...books] = process.argv.slice(2);
	for (const epub of books) {
		try {
			await one(path.resolve(outdir), path.resolve(epub));
		} catch (e) {
			console.log(`ERROR ${epub} ${(e && e.message) || e}`);
			bad++;
		}
	}
	process.exit(bad ? 1 : 0);
})();
