// The loader under test: the built copy in www/pkg/loader/ (see
// fixtures.js `builtLoaderUrl`), checked to match loader/*.js first.
import { builtLoaderUrl } from './fixtures.js';

export const { startThreads, checkAbiVersion, LoaderError, detectThreadSupport, THREAD_SUPPORT, threadSupport } = await import(builtLoaderUrl('quicksand.js'));
export const { memoryImport } = await import(builtLoaderUrl('module-info.js'));
export const abi = await import(builtLoaderUrl('../abi.js'));
