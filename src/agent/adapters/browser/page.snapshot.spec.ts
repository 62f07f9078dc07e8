import { elementLabel, renderElement, renderSnapshot, type PageSnapshot, type SnapshotElement } from './page.snapshot';

const snapshot = (elements: SnapshotElement[], extra: Partial<PageSnapshot> = {}): PageSnapshot => ({
  url: 'https://shop.example/checkout',
  title: 'Checkout',
  text: 'Your basket holds 2 items.',
  elements,
  omitted: 0,
  scrollPercent: 0,
  screens: 1.5,
  ...extra,
});

describe('page snapshot rendering', () => {
  it('renders each kind of element with what the model needs to act on it', () => {
    expect(renderElement({ index: 1, kind: 'input', type: 'email', name: 'email', label: 'Email', placeholder: 'you@example.com', value: '' })).toBe(
      '[1] input type=email name="email" label="Email" placeholder="you@example.com" value=""',
    );
    expect(renderElement({ index: 2, kind: 'button', label: 'Pay now', disabled: true })).toBe('[2] button "Pay now" (disabled)');
    expect(renderElement({ index: 3, kind: 'link', label: 'Help', href: '/help' })).toBe('[3] link "Help" -> /help');
    expect(renderElement({ index: 4, kind: 'select', name: 'size', options: ['S', 'M'], value: 'M' })).toBe('[4] select name="size" options=["S","M"] selected="M"');
    expect(renderElement({ index: 5, kind: 'checkbox', label: 'Terms', checked: false, value: '' })).toBe('[5] checkbox label="Terms" unchecked');
  });

  it('names elements for progress messages by label, then name, then kind', () => {
    const s = snapshot([
      { index: 3, kind: 'button', label: 'Submit' },
      { index: 4, kind: 'input', name: 'q' },
      { index: 5, kind: 'textarea' },
    ]);
    expect(elementLabel(s, 3)).toBe('[3] "Submit"');
    expect(elementLabel(s, 4)).toBe('[4] "q"');
    expect(elementLabel(s, 5)).toBe('[5] "textarea"');
    expect(elementLabel(s, 9)).toBe('[9]');
    expect(elementLabel(undefined, 1)).toBe('[1]');
  });

  it('shows URL, title, scroll position, elements and text', () => {
    const text = renderSnapshot(snapshot([{ index: 1, kind: 'button', label: 'Next' }]));
    expect(text).toBe(
      [
        'URL: https://shop.example/checkout',
        'Title: Checkout',
        'Scroll: 0% of 1.5 screen(s)',
        'Interactive elements:',
        '[1] button "Next"',
        'Visible text:',
        'Your basket holds 2 items.',
      ].join('\n'),
    );
  });

  it('stays within the character budget and says how many elements were left out', () => {
    const elements = Array.from({ length: 150 }, (_, i) => ({ index: i + 1, kind: 'link', label: `A rather long link label number ${i + 1}`, href: `/p/${i + 1}` }));
    const limits = { maxElements: 150, textChars: 3000, totalChars: 8000 };
    const text = renderSnapshot(snapshot(elements, { text: 'x'.repeat(10_000), omitted: 40 }), limits);
    expect(text.length).toBeLessThanOrEqual(8000);
    const shown = text.split('\n').filter((l) => l.startsWith('['));
    expect(shown.length).toBeGreaterThan(20);
    expect(shown.length).toBeLessThan(150);
    expect(text).toContain(`(${40 + 150 - shown.length} more elements not shown; scroll to reach them)`);
    expect(text).toContain(`Visible text:\n${'x'.repeat(2999)}…`);
  });

  it('marks an empty page', () => {
    const text = renderSnapshot(snapshot([], { url: 'about:blank', title: '', text: '' }));
    expect(text).toContain('Title: (none)');
    expect(text).toContain('(no interactive elements)');
    expect(text).toContain('Visible text:\n(empty)');
  });
});
