import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createElementLocator, decodeSource, parseBpmn } from '../../src/parse/index.js';

const bytes = (name: string) => readFileSync(new URL(`../fixtures/parse/${name}`, import.meta.url));

describe('parseBpmn', () => {
  it('given malformed XML, when parsed, then reports xml-syntax with line and column', async () => {
    const result = await parseBpmn(bytes('malformed-xml.bpmn'));
    expect(result.definitions).toBeUndefined();
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({
      code: 'xml-syntax',
      severity: 'error',
      line: 5,
      column: 1,
    });
    expect(result.problems[0]?.message).toMatch(/closing tag mismatch/);
  });

  it('given a flow pointing at a missing element, when parsed, then refuses the unresolved reference', async () => {
    const result = await parseBpmn(bytes('unresolved-reference.bpmn'));
    const problem = result.problems.find((p) => p.code === 'unresolved-reference');
    expect(problem).toMatchObject({ severity: 'error', elementId: 'toNowhere', line: 5 });
    expect(problem?.message).toContain('missingTask');
  });

  it('given foreign extensions and a stale diagram shape, when parsed, then only warns', async () => {
    const result = await parseBpmn(bytes('foreign-extensions-tolerated.bpmn'));
    expect(result.definitions?.$type).toBe('bpmn:Definitions');
    expect(result.problems.every((p) => p.severity === 'warning')).toBe(true);
    expect(result.problems.map((p) => p.code)).toContain('unresolved-diagram-reference');
  });

  it('given an ISO-8859-1 file as bytes, when parsed, then decodes umlauts correctly', async () => {
    const result = await parseBpmn(bytes('latin1-encoding.bpmn'));
    expect(result.problems).toEqual([]);
    const process = result.definitions.rootElements[0];
    expect(process.name).toBe('Arbeitsfreigabe Prüfung');
    expect(process.flowElements[0].name).toBe('Gefährdung erkannt');
  });

  it.each([
    ['empty', ''],
    ['not xml', 'garbage'],
    ['not bpmn', '<foo/>'],
    ['binary', new Uint8Array([0, 1, 2, 255, 254, 0, 60])],
    ['unclosed', '<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL">'],
    [
      'entity bomb',
      '<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "aaaa"><!ENTITY b "&a;&a;&a;&a;">]><x>&b;</x>',
    ],
  ])(
    'given hostile input (%s), when parsed, then returns problems instead of throwing',
    async (_name, input) => {
      const result = await parseBpmn(input);
      expect(result.problems.some((p) => p.severity === 'error')).toBe(true);
    },
  );

  it('given a source over the size limit, when parsed, then refuses it without parsing', async () => {
    const result = await parseBpmn('x'.repeat(100), { maxSize: 10 });
    expect(result.problems[0]?.code).toBe('source-too-large');
  });
});

describe('decodeSource', () => {
  it('defaults to UTF-8 and strips a BOM', () => {
    const text = decodeSource(new Uint8Array([0xef, 0xbb, 0xbf, 0x3c, 0xc3, 0xa4, 0x3e]));
    expect(text).toMatchObject({ text: '<ä>', encoding: 'utf-8' });
  });

  it('honours windows-1252 declared in the XML declaration', () => {
    const source = new Uint8Array([
      ...new TextEncoder().encode('<?xml version="1.0" encoding="windows-1252"?><a>'),
      0xe4,
      ...new TextEncoder().encode('</a>'),
    ]);
    expect(decodeSource(source).text).toContain('<a>ä</a>');
  });
});

describe('createElementLocator', () => {
  it('maps an id to the 1-based line and column of its id attribute', () => {
    const locate = createElementLocator(
      '<a>\n  <b id="first"/>\n\t<c  id="second"/><d processId="first"/>',
    );
    expect(locate('first')).toEqual({ line: 2, column: 6 });
    expect(locate('second')).toEqual({ line: 3, column: 6 });
    expect(locate('missing')).toBeUndefined();
  });
});
