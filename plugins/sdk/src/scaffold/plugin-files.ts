import { SDK_VERSION } from '../sdk-version.js';

/** What the generated files are made from. */
export interface PluginFileInputs {
  /** npm package name (also the plugin's name). */
  name: string;
  /** The task type's prefix, e.g. `gas-lab`. */
  shortName: string;
}

/** The sample task type of a new plugin. */
export function sampleTaskType(shortName: string): string {
  return `${shortName}:check-limit`;
}

const SDK_RANGE = `^${SDK_VERSION}`;

function packageJson({ name, shortName }: PluginFileInputs): string {
  const pkg = {
    name,
    version: '0.1.0',
    description: `SafeFlow plugin ${shortName}`,
    type: 'module',
    license: 'UNLICENSED',
    keywords: ['safeflow', 'safeflow-plugin'],
    main: './dist/index.js',
    types: './dist/index.d.ts',
    exports: {
      '.': { types: './dist/index.d.ts', default: './dist/index.js' },
      './package.json': './package.json',
    },
    files: ['dist', 'README.md'],
    engines: { node: '>=20.19.0' },
    scripts: {
      build: 'tsc -p tsconfig.json',
      test: 'vitest run',
      prepublishOnly: 'npm run build && npm test',
    },
    dependencies: { '@safeflow/plugin-sdk': SDK_RANGE },
    devDependencies: { '@types/node': '^20.19.0', typescript: '^5.9.3', vitest: '^3.2.7' },
    safeflow: {
      sdk: SDK_RANGE,
      main: './dist/index.js',
      displayName: shortName,
      description: 'Checks a reading against a limit.',
      contributes: { taskTypes: [sampleTaskType(shortName)] },
      configSchema: {
        type: 'object',
        additionalProperties: false,
        properties: {
          defaultLimit: {
            type: 'number',
            description: 'Limit used when a task does not set its own "limit" header.',
          },
          apiToken: {
            type: 'string',
            description: 'Example of a secret: stored encrypted, never shown or logged.',
          },
        },
      },
      secrets: ['apiToken'],
    },
  };
  return `${JSON.stringify(pkg, null, 2)}\n`;
}

function indexTs({ name, shortName }: PluginFileInputs): string {
  const taskType = sampleTaskType(shortName);
  return `import {
  bpmnError,
  complete,
  definePlugin,
  fail,
  type ElementTemplate,
} from '@safeflow/plugin-sdk';

/** This plugin's configuration; its JSON Schema is "configSchema" in package.json. */
export interface Config {
  /** Limit used when a task does not set its own \`limit\` header. */
  defaultLimit?: number;
  /** A secret (listed in "secrets" in package.json): never log it or put it in variables. */
  apiToken?: string;
}

export const CHECK_LIMIT = '${taskType}';

/** Shows the task in the designer's palette with a form for its inputs. */
const checkLimitTemplate: ElementTemplate = {
  $schema: 'https://unpkg.com/@camunda/zeebe-element-templates-json-schema/resources/schema.json',
  id: '${name.replace(/^@/, '').replace('/', '.')}.check-limit',
  name: 'Check limit',
  version: 1,
  description: 'Compares a reading with a limit; throws LIMIT_EXCEEDED above it.',
  appliesTo: ['bpmn:Task'],
  elementType: { value: 'bpmn:ServiceTask' },
  groups: [{ id: 'input', label: 'Input' }],
  properties: [
    {
      type: 'Hidden',
      value: CHECK_LIMIT,
      binding: { type: 'zeebe:taskDefinition', property: 'type' },
    },
    {
      label: 'Reading',
      description: 'FEEL expression giving the number to check, e.g. =gasTest.h2sPpm',
      type: 'String',
      feel: 'required',
      group: 'input',
      binding: { type: 'zeebe:input', name: 'reading' },
      constraints: { notEmpty: true },
    },
    {
      label: 'Limit',
      description: "Defaults to the plugin configuration's defaultLimit.",
      type: 'String',
      optional: true,
      group: 'input',
      binding: { type: 'zeebe:taskHeader', key: 'limit' },
    },
  ],
};

export default definePlugin<Config>({
  name: '${name}',
  taskHandlers: {
    [CHECK_LIMIT]: (job, ctx) => {
      const reading = job.variables.reading;
      if (typeof reading !== 'number') {
        // No retry will make a missing input appear: raise an incident at once.
        return fail('variable "reading" must be a number', { retries: 0 });
      }
      const limit = Number(job.headers.limit ?? ctx.config.defaultLimit);
      if (!Number.isFinite(limit)) {
        return fail('no limit: set the task\\'s "limit" header or defaultLimit', { retries: 0 });
      }
      ctx.logger.info('reading checked', { reading, limit });
      if (reading > limit) {
        // A business outcome the model handles with an error boundary event.
        return bpmnError('LIMIT_EXCEEDED', \`\${reading} is above the limit of \${limit}\`, { limit });
      }
      return complete({ withinLimit: true, checkedAt: ctx.now() });
    },
  },
  elementTemplates: [checkLimitTemplate],
});
`;
}

function handlerTest({ shortName }: PluginFileInputs): string {
  return `import { describe, expect, it } from 'vitest';
import {
  checkPluginPackage,
  readPluginPackage,
  runHandler,
  TEST_EPOCH,
} from '@safeflow/plugin-sdk/testing';
import plugin, { CHECK_LIMIT } from '../src/index.js';

// runHandler deploys a one-task model on a real in-memory engine, runs the handler on its job and
// applies the outcome, so these tests see what a process would see.
describe(CHECK_LIMIT, () => {
  it('completes when the reading is within the limit', async () => {
    const run = await runHandler(plugin, CHECK_LIMIT, {
      variables: { reading: 4 },
      headers: { limit: '10' },
    });
    expect(run.outcome).toEqual({
      outcome: 'complete',
      variables: { withinLimit: true, checkedAt: TEST_EPOCH },
    });
    expect(run.state).toBe('completed');
    expect(run.variables.withinLimit).toBe(true);
    expect(run.logs.map((l) => l.message)).toEqual(['reading checked']);
  });

  it('throws LIMIT_EXCEEDED above the limit from the configuration', async () => {
    const run = await runHandler(plugin, CHECK_LIMIT, {
      variables: { reading: 25 },
      config: { defaultLimit: 10, apiToken: 'test-token-123' },
      secrets: ['apiToken'],
    });
    expect(run.outcome).toMatchObject({ outcome: 'bpmn-error', errorCode: 'LIMIT_EXCEEDED' });
    expect(run.leakedSecrets).toEqual([]);
  });

  it('raises an incident at once when the reading is missing', async () => {
    const run = await runHandler(plugin, CHECK_LIMIT, { headers: { limit: '10' } });
    expect(run.outcome).toMatchObject({ outcome: 'fail', retries: 0 });
    expect(run.state).toBe('incident');
  });

  it('agrees with the manifest in package.json', () => {
    const pkg = readPluginPackage(new URL('..', import.meta.url));
    expect(checkPluginPackage(plugin, pkg)).toEqual([]);
  });
});

// The sample task type of ${shortName}; rename it and add your own.
`;
}

function readme({ name, shortName }: PluginFileInputs): string {
  const taskType = sampleTaskType(shortName);
  return `# ${name}

A SafeFlow plugin. It contributes the service task type \`${taskType}\`: it compares the
\`reading\` variable with a limit and completes (\`withinLimit: true\`), or throws the BPMN error
\`LIMIT_EXCEEDED\` above the limit.

## Configuration

Set over the runtime's API (\`PUT /api/plugins/${name}/config\`); the schema is \`configSchema\` in
package.json.

| field          | meaning                                                 |
| -------------- | ------------------------------------------------------- |
| \`defaultLimit\` | limit used when a task has no \`limit\` header            |
| \`apiToken\`     | example secret: stored encrypted, never returned/logged |

## Use in a BPMN model

\`\`\`xml
<bpmn:serviceTask id="checkH2s" name="Check H2S">
  <bpmn:extensionElements>
    <zeebe:taskDefinition type="${taskType}" retries="3"/>
    <zeebe:ioMapping>
      <zeebe:input source="=gasTest.h2sPpm" target="reading"/>
    </zeebe:ioMapping>
    <zeebe:taskHeaders>
      <zeebe:header key="limit" value="10"/>
    </zeebe:taskHeaders>
  </bpmn:extensionElements>
</bpmn:serviceTask>
\`\`\`

The designer shows the task with a form through the element template in \`src/index.ts\`.

## Develop

\`\`\`sh
npm install
npm test          # runs the handler on a real in-memory SafeFlow engine
npm run build     # compiles to dist/, which the runtime loads
\`\`\`

Then load it into a SafeFlow runtime (see the runtime's plugin documentation: \`SAFEFLOW_PLUGINS\`
or its plugins folder) and publish it with \`npm publish\` to the registry your runtime installs
from.
`;
}

function tsconfig(): string {
  return `{
  "compilerOptions": {
    "target": "ES2022",
    "lib": ["ES2023"],
    "module": "NodeNext",
    "moduleResolution": "NodeNext",
    "strict": true,
    "declaration": true,
    "sourceMap": true,
    "rootDir": "src",
    "outDir": "dist",
    "skipLibCheck": true,
    "types": ["node"]
  },
  "include": ["src/**/*.ts"]
}
`;
}

/** Every file of a new plugin package, by path relative to the package directory. */
export function pluginFiles(inputs: PluginFileInputs): Record<string, string> {
  return {
    'package.json': packageJson(inputs),
    'tsconfig.json': tsconfig(),
    '.gitignore': 'node_modules/\ndist/\n',
    'README.md': readme(inputs),
    'src/index.ts': indexTs(inputs),
    'test/handler.test.ts': handlerTest(inputs),
  };
}
