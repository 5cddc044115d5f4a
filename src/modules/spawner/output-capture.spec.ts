import { OutputCapture } from './output-capture';

describe('OutputCapture', () => {
  it('keeps everything under the cap and is not truncated', () => {
    const capture = new OutputCapture(16);
    capture.push(Buffer.from('hello '));
    capture.push(Buffer.from('world\n'));
    expect(capture.text()).toBe('hello world\n');
    expect(capture.totalBytes).toBe(12);
    expect(capture.truncated).toBe(false);
  });

  it('is not truncated when the output is exactly the cap', () => {
    const capture = new OutputCapture(4);
    capture.push(Buffer.from('ab'));
    capture.push(Buffer.from('cd'));
    expect(capture.text()).toBe('abcd');
    expect(capture.truncated).toBe(false);
  });

  it('never holds more than the cap while it keeps counting (10 MB in 64 KiB chunks)', () => {
    const cap = 64 * 1024;
    const capture = new OutputCapture(cap);
    const chunk = Buffer.alloc(64 * 1024, 'x');
    let keptFromPushes = 0;
    for (let i = 0; i < 160; i += 1) {
      keptFromPushes += capture.push(chunk).length;
      expect(capture.keptBytes).toBeLessThanOrEqual(cap);
    }
    expect(capture.totalBytes).toBe(160 * 64 * 1024);
    expect(capture.keptBytes).toBe(cap);
    expect(keptFromPushes).toBe(cap);
    expect(capture.truncated).toBe(true);
    expect(capture.text()).toHaveLength(cap);
  });

  it('cuts a chunk that crosses the cap and returns only the kept part', () => {
    const capture = new OutputCapture(5);
    expect(capture.push(Buffer.from('abc')).toString()).toBe('abc');
    expect(capture.push(Buffer.from('defgh')).toString()).toBe('de');
    expect(capture.push(Buffer.from('ij')).length).toBe(0);
    expect(capture.text()).toBe('abcde');
    expect(capture.totalBytes).toBe(10);
    expect(capture.truncated).toBe(true);
  });

  it('leaves out a multi-byte character the cap cut in half', () => {
    const capture = new OutputCapture(4);
    capture.push(Buffer.from('abcé')); // é is 2 bytes: the cap falls inside it
    expect(capture.text()).toBe('abc');
    expect(capture.truncated).toBe(true);
  });

  it('decodes a character split across chunks', () => {
    const capture = new OutputCapture(64);
    const bytes = Buffer.from('é');
    capture.push(bytes.subarray(0, 1));
    capture.push(bytes.subarray(1));
    expect(capture.text()).toBe('é');
  });
});
