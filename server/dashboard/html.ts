/** Preact with htm: tagged-template components, no JSX build step (htm/preact binds htm to Preact's h). */
export { html, render } from 'htm/preact';
export { useEffect, useMemo, useRef, useState, useCallback } from 'preact/hooks';
