// libmime (a dependency of mailparser) ships no types; the one method used here.
declare module 'libmime' {
  const libmime: {
    /** Decodes RFC 2047 encoded words ("=?UTF-8?B?…?=") in a header value. */
    decodeWords(value: string): string;
  };
  export default libmime;
}
