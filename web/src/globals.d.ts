/** Whether this is a built site, which registers its service worker (set by vite.config.ts). */
declare const __OFFLINE_COPY__: boolean;
