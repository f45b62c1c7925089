// Syntax check for generated TypeScript, used by test_toolchains.py.
//
// usage: node ts_check.js TYPESCRIPT_DIR FILE...
// Prints a JSON list of {file, line, column, message} for every syntax error
// the TypeScript compiler reports (one process checks all files).
'use strict';

const fs = require('fs');
const ts = require(process.argv[2]);

const problems = [];
for (const file of process.argv.slice(3)) {
  const source = fs.readFileSync(file, 'utf8');
  const output = ts.transpileModule(source, {
    fileName: file,
    reportDiagnostics: true,
    compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext },
  });
  for (const diagnostic of output.diagnostics || []) {
    const position =
      diagnostic.file && diagnostic.start !== undefined
        ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start)
        : { line: 0, character: 0 };
    problems.push({
      file,
      line: position.line + 1,
      column: position.character + 1,
      message: ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n'),
    });
  }
}
process.stdout.write(JSON.stringify(problems));
