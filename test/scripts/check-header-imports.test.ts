// `npm run lint`'s check that no import sits inside a file's header comment.
import { importsInsideHeader } from '../../scripts/check-header-imports';

describe('imports inside the header comment', () => {
  it('finds an import that splits the header comment, with its line number', () => {
    const source = [
      '// The push path test bench: the simulator, moto queues (push queue with its DLQ and',
      "import { a } from './a';",
      '// redrive policy).',
      "import { b } from './b';",
    ].join('\n');
    expect(importsInsideHeader(source)).toEqual([2]);
  });

  it('accepts a header followed by imports, and a file without a header', () => {
    expect(
      importsInsideHeader(
        ['// What this file is.', '// Why it exists.', "import { a } from './a';", "import { b } from './b';", '', 'const x = 1;'].join('\n'),
      ),
    ).toEqual([]);
    expect(importsInsideHeader(["import { a } from './a';", '// a comment about b', "import { b } from './b';"].join('\n'))).toEqual([]);
  });

  it('stops at the first line of code: comments further down are not the header', () => {
    const source = ['// Header.', "import { a } from './a';", '', '// later', "import { b } from './b';", '// about c'].join('\n');
    expect(importsInsideHeader(source)).toEqual([]);
  });
});
