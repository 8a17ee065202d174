/**
 * Properties texts with the entries java.util.Properties.load (JDK 17, through a Reader) reads
 * from them, in text order. Every `entries` here was checked against real Java when written;
 * keep it that way when adding a case (a key given twice appears twice: the later one wins).
 */
export interface JavaCase {
  name: string;
  text: string;
  entries: [key: string, value: string][];
}

export const javaCases: JavaCase[] = [
  // separators
  { name: 'equals', text: 'a=1', entries: [['a', '1']] },
  { name: 'equals with blanks around it', text: 'a = 1', entries: [['a', '1']] },
  { name: 'colon', text: 'a:1', entries: [['a', '1']] },
  { name: 'blanks then colon', text: 'a  :  1', entries: [['a', '1']] },
  { name: 'space', text: 'a 1', entries: [['a', '1']] },
  { name: 'tab', text: 'a\t1', entries: [['a', '1']] },
  { name: 'form feed', text: 'a\f1', entries: [['a', '1']] },
  { name: 'only the first separator counts', text: 'a = = 1', entries: [['a', '= 1']] },
  { name: 'colon then equals', text: 'a:=1', entries: [['a', '=1']] },
  { name: 'equals then colon', text: 'a=:1', entries: [['a', ':1']] },
  { name: 'separator inside the value stays', text: 'url=http://h:80/x?a=b', entries: [['url', 'http://h:80/x?a=b']] },
  // empty values and keys
  { name: 'key= has an empty value', text: 'a=', entries: [['a', '']] },
  { name: 'a key alone has an empty value', text: 'a', entries: [['a', '']] },
  { name: 'a key with trailing blanks has an empty value', text: 'a   ', entries: [['a', '']] },
  { name: 'empty key', text: '=1', entries: [['', '1']] },
  { name: 'empty key after blanks', text: ' :1', entries: [['', '1']] },
  // blanks
  { name: 'leading blanks of a line are dropped', text: ' \t\fa=1', entries: [['a', '1']] },
  { name: 'trailing blanks of a value are kept', text: 'a=  1  ', entries: [['a', '1  ']] },
  { name: 'a no-break space is not a separator', text: 'a\u00a0b=1', entries: [['a\u00a0b', '1']] },
  { name: 'a no-break space after = is part of the value', text: 'a=\u00a0x', entries: [['a', '\u00a0x']] },
  { name: 'a vertical tab is not a separator', text: 'a\u000bb=1', entries: [['a\u000bb', '1']] },
  { name: 'U+2028 is neither a line break nor a separator', text: 'a\u2028b=1', entries: [['a\u2028b', '1']] },
  { name: 'a BOM is part of the first key', text: '\ufeffa=1', entries: [['\ufeffa', '1']] },
  // comments
  { name: '# comment', text: '# c\na=1', entries: [['a', '1']] },
  { name: '! comment', text: '! c\na=1', entries: [['a', '1']] },
  { name: 'indented comment', text: '   # c\na=1', entries: [['a', '1']] },
  { name: '# inside a value is not a comment', text: 'a=1 # no', entries: [['a', '1 # no']] },
  { name: 'a comment ending in \\ does not continue', text: '#a=1\\\nb=2', entries: [['b', '2']] },
  { name: 'escaped # starts a key', text: '\\#a=1', entries: [['#a', '1']] },
  { name: 'escaped ! starts a key', text: '\\!a=1', entries: [['!a', '1']] },
  // continuations
  { name: 'continuation drops the leading blanks of the next line', text: 'a=1\\\n   2', entries: [['a', '12']] },
  { name: 'two trailing backslashes are not a continuation', text: 'a=1\\\\\nb=2', entries: [['a', '1\\'], ['b', '2']] },
  { name: 'three trailing backslashes are one \\ and a continuation', text: 'a=1\\\\\\\n  2', entries: [['a', '1\\2']] },
  { name: 'four trailing backslashes are not a continuation', text: 'a=1\\\\\\\\\nb=2', entries: [['a', '1\\\\'], ['b', '2']] },
  { name: 'a continued line may continue again', text: 'x\\\n  y\\\n  z=1', entries: [['xyz', '1']] },
  { name: 'a continuation inside the key', text: 'a\\\n  b=1', entries: [['ab', '1']] },
  { name: 'a continuation before the separator', text: 'key  \\\n  = value', entries: [['key', 'value']] },
  { name: 'a # after a continuation is text', text: 'a=1\\\n#x', entries: [['a', '1#x']] },
  { name: 'a blank line ends a continuation', text: 'a=1\\\n\nb=2', entries: [['a', '1'], ['b', '2']] },
  { name: 'a line of blanks ends a continuation', text: 'a=1\\\n   \nb=2', entries: [['a', '1'], ['b', '2']] },
  { name: 'a continuation at the end of the text', text: 'a=1\\', entries: [['a', '1']] },
  { name: 'a continuation then a final line break', text: 'a=b\\\n', entries: [['a', 'b']] },
  { name: 'an escaped trailing blank is kept', text: 'a=x\\ \ny=1', entries: [['a', 'x '], ['y', '1']] },
  // Java's quirks around a line holding only a backslash
  { name: 'a lone \\ then a comment', text: '\\\n#x\nb=1', entries: [['b', '1']] },
  { name: 'a lone \\ then a blank line', text: '\\\n\nb=1', entries: [['b', '1']] },
  { name: 'a lone \\ at the end is an empty key', text: '\\', entries: [['', '']] },
  { name: 'a lone \\ then a final LF is an empty key', text: '\\\n', entries: [['', '']] },
  { name: 'a lone \\ then a final CRLF is nothing', text: '\\\r\n', entries: [] },
  // line breaks
  { name: 'CRLF', text: 'a=1\r\nb=2', entries: [['a', '1'], ['b', '2']] },
  { name: 'CR alone', text: 'a=1\rb=2', entries: [['a', '1'], ['b', '2']] },
  { name: 'continuation over CRLF', text: 'a=1\\\r\n  2', entries: [['a', '12']] },
  { name: 'continuation over CR', text: 'a=1\\\r  2', entries: [['a', '12']] },
  { name: 'blank CRLF lines', text: '\r\n\r\na=1\r\n\r\n', entries: [['a', '1']] },
  // escapes
  { name: 'escaped = in a key', text: 'k\\=x=1', entries: [['k=x', '1']] },
  { name: 'escaped : in a key', text: 'k\\:x=1', entries: [['k:x', '1']] },
  { name: 'escaped space in a key', text: 'k\\ x=1', entries: [['k x', '1']] },
  { name: 'escaped backslash ends before =', text: 'k\\\\=1', entries: [['k\\', '1']] },
  { name: 'escaped backslash then space separates', text: 'a\\\\ b=1', entries: [['a\\', 'b=1']] },
  { name: '\\t \\n \\r \\f in a value', text: 'a=\\t\\n\\r\\f', entries: [['a', '\t\n\r\f']] },
  { name: '\\uXXXX in a value, either case', text: 'a=\\u0041\\u00e9\\u00E9', entries: [['a', 'Aéé']] },
  { name: '\\uXXXX in a key', text: 'a\\u0041=1', entries: [['aA', '1']] },
  { name: '\\u0020 in a key is no separator', text: '\\u0020a=1', entries: [[' a', '1']] },
  { name: '\\u005c is a backslash, not an escape', text: 'a=\\u005cn', entries: [['a', '\\n']] },
  { name: 'other escapes stand for the letter', text: 'a=\\b\\z\\U0041', entries: [['a', 'bzU0041']] },
  { name: 'escaped = and : in a value', text: 'a=\\=\\:', entries: [['a', '=:']] },
  { name: 'escaped leading space of a value', text: 'a=\\ lead', entries: [['a', ' lead']] },
  { name: 'escaped backslash before u', text: 'a=\\\\u00zz', entries: [['a', '\\u00zz']] },
  // repeats
  { name: 'a repeated key appears twice', text: 'a=1\na=2', entries: [['a', '1'], ['a', '2']] },
  { name: 'empty text', text: '', entries: [] },
  { name: 'only comments and blanks', text: '# x\n\n  ! y\n\t\n', entries: [] },
];
