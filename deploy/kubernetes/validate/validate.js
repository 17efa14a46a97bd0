#!/usr/bin/env node
// Validates Kubernetes manifests (multi-document YAML, from files or stdin)
// against the Kubernetes OpenAPI schema, offline, with the validators the npm
// package kubernetes-models generated from it (types, required fields, enums,
// formats), and fails on unknown fields too.
//
//   kubectl kustomize deploy/kubernetes/base | node validate.js --name base
//   node validate.js a.yaml b.yaml
//
// Unknown fields: the generated validators accept extra properties (the
// OpenAPI schema does not say additionalProperties: false). They do read
// every property their schema declares, though, so each object is wrapped in a
// Proxy that records which keys the validator looked at; an own key of an
// object the validator entered but never read is a field the schema does not
// have (a typo, a field of another API version, a misplaced block).
// Objects the schema leaves free-form (none in our manifests) are never
// entered, so they are not checked.
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

function modelClass(apiVersion, kind) {
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') return null;
  const modulePath = path.posix.join('kubernetes-models', apiVersion);
  try {
    return require(modulePath)[kind] || null;
  } catch (e) {
    return null;
  }
}

// A recursive read-tracking view of `value`; `seen` maps each plain object or
// array to the set of keys read on it.
function track(value, seen, cache) {
  if (value === null || typeof value !== 'object') return value;
  if (cache.has(value)) return cache.get(value);
  const read = new Set();
  seen.set(value, read);
  const proxy = new Proxy(value, {
    get(target, key, receiver) {
      if (typeof key === 'string') read.add(key);
      return track(Reflect.get(target, key, receiver), seen, cache);
    },
    has(target, key) {
      if (typeof key === 'string') read.add(key);
      return Reflect.has(target, key);
    },
    ownKeys(target) {
      // for (key in data): a map (labels, annotations, resources.limits); the
      // validator checks each value by reading it.
      return Reflect.ownKeys(target);
    },
  });
  cache.set(value, proxy);
  return proxy;
}

function unknownFields(value, seen, where, out) {
  if (value === null || typeof value !== 'object') return;
  const read = seen.get(value);
  if (read === undefined || read.size === 0) return;  // never entered: free-form
  if (Array.isArray(value)) {
    value.forEach((item, i) => unknownFields(item, seen, `${where}[${i}]`, out));
    return;
  }
  for (const key of Object.keys(value)) {
    if (!read.has(key)) {
      out.push(`${where}.${key}`);
    } else {
      unknownFields(value[key], seen, `${where}.${key}`, out);
    }
  }
}

function validateDocument(doc) {
  const problems = [];
  const Model = modelClass(doc.apiVersion, doc.kind);
  if (Model === null) {
    return [`no schema for apiVersion ${doc.apiVersion} kind ${doc.kind}`];
  }
  const seen = new Map();
  const view = track(doc, seen, new Map());
  try {
    Model.prototype.validate.call(view);
  } catch (e) {
    const details = (e.errors || []).map(
      (err) => `${err.instancePath || '/'} ${err.message}${err.params ? ' ' + JSON.stringify(err.params) : ''}`);
    problems.push(...(details.length ? details : [String(e.message || e)]));
  }
  const unknown = [];
  unknownFields(doc, seen, '', unknown);
  for (const field of unknown) problems.push(`unknown field ${field.slice(1)}`);
  return problems;
}

function main(argv) {
  let name = 'stdin';
  const files = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--name') name = argv[++i];
    else files.push(argv[i]);
  }
  const inputs = files.length
    ? files.map((f) => [f, fs.readFileSync(f, 'utf8')])
    : [[name, fs.readFileSync(0, 'utf8')]];
  let objects = 0;
  let failures = 0;
  for (const [source, text] of inputs) {
    for (const parsed of YAML.parseAllDocuments(text)) {
      if (parsed.errors.length) {
        console.error(`${source}: YAML: ${parsed.errors[0].message}`);
        failures++;
        continue;
      }
      const doc = parsed.toJS();
      if (doc === null || doc === undefined) continue;
      objects++;
      const label = `${source}: ${doc.kind}/${doc.metadata && doc.metadata.name}`;
      const problems = validateDocument(doc);
      if (problems.length) {
        failures++;
        for (const p of problems) console.error(`${label}: ${p}`);
      }
    }
  }
  if (objects === 0) {
    console.error(`${name}: no objects`);
    return 1;
  }
  console.log(`${name}: ${objects} objects, ${failures ? failures + ' invalid' : 'all valid'}`);
  return failures ? 1 : 0;
}

process.exitCode = main(process.argv.slice(2));
