'use strict';
/*
 * compare.js WORDS.json ACTUAL.json: checks what the server gave for each
 * word (ACTUAL: a JSON array of [word, pluralize, singularize]) against
 * inflection@1.13.4.  Prints up to 20 mismatches, then one line
 * "N passed, N failed"; exits 1 on any failure.
 */
const fs = require('fs');
const inflection = require('inflection');

const MAX_SHOWN = 20;
const words = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
const actual = JSON.parse(fs.readFileSync(process.argv[3], 'utf8')) || [];

/* a value for the report, shortened if long */
function show(v) {
  if (typeof v !== 'string')
    return String(v);
  return JSON.stringify(v.length > 60 ? v.slice(0, 40) + '...(' + v.length + ' chars)' : v);
}

let passed = 0;
let failed = 0;
words.forEach((w, i) => {
  const got = actual[i] || [];
  const plural = inflection.pluralize(w);
  const singular = inflection.singularize(w);

  if (got[0] === w && got[1] === plural && got[2] === singular) {
    passed++;
    return;
  }
  if (failed++ >= MAX_SHOWN)
    return;
  if (got[0] !== w)
    console.log(`word ${i + 1}: sent ${show(w)}, server saw ${show(got[0])}`);
  if (got[1] !== plural)
    console.log(`pluralize(${show(w)}): got ${show(got[1])}, inflection gives ${show(plural)}`);
  if (got[2] !== singular)
    console.log(`singularize(${show(w)}): got ${show(got[2])}, inflection gives ${show(singular)}`);
});
if (actual.length > words.length)
  console.log(`the server returned ${actual.length} rows for ${words.length} words`);

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 || actual.length !== words.length ? 1 : 0);
