import { useEffect, useState } from 'react';

/**
 * Warnings on the start screen. Later features (consent requests, the review queue) register a
 * provider here; the start screen shows whatever they return, in a separate block.
 */
export interface Notice {
  id: string;
  tone: 'info' | 'warning';
  text: { nl: string; en: string };
  /** Hash route to open, e.g. '/review'. */
  href?: string;
}

export type NoticeProvider = () => Promise<Notice[]>;

const providers: NoticeProvider[] = [];

export function registerNoticeProvider(provider: NoticeProvider): void {
  providers.push(provider);
}

export function useNotices(): Notice[] {
  const [notices, setNotices] = useState<Notice[]>([]);
  useEffect(() => {
    let live = true;
    void Promise.allSettled(providers.map((p) => p())).then((results) => {
      if (!live) return;
      setNotices(results.flatMap((r) => (r.status === 'fulfilled' ? r.value : [])));
    });
    return () => {
      live = false;
    };
  }, []);
  return notices;
}
