import { SafeHtml, escapeHtml, html, query } from './html';

describe('html', () => {
  it('should escape interpolated text, including quotes in attributes', () => {
    const hostile = `<script>alert("x")</script>' onmouseover='x`;

    const out = html`<td title="${hostile}">${hostile}</td>`.text;

    expect(out).not.toContain('<script>');
    expect(out).toBe(`<td title="${escapeHtml(hostile)}">${escapeHtml(hostile)}</td>`);
    expect(out).toContain('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&#39;');
  });

  it('should insert nested fragments and arrays as they are, and render nothing for null, undefined and booleans', () => {
    const rows = ['a<b', 'c'].map((cell) => html`<li>${cell}</li>`);

    const out = html`<ul>${rows}${null}${undefined}${false}${true}</ul>`;

    expect(out).toBeInstanceOf(SafeHtml);
    expect(out.text).toBe('<ul><li>a&lt;b</li><li>c</li></ul>');
  });

  it('should render numbers and bigints as text', () => {
    expect(html`${42}/${12345678901234567890n}`.text).toBe('42/12345678901234567890');
  });
});

describe('query', () => {
  it('should keep defined values only and encode them', () => {
    expect(query({ topic: 'opal.a b', partition: 0, find: '', group: undefined, all: true })).toBe('?topic=opal.a+b&partition=0&all=true');
  });

  it('should be empty without values', () => {
    expect(query({ find: null })).toBe('');
  });
});
