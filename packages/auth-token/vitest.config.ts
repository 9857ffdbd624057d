import { mergeConfig } from 'vitest/config';
import workers from '../../vitest.workers.ts';

/** The shared workerd config, plus an identity provider's key set served over real HTTP (test/jwks-server.ts). */
export default mergeConfig(workers, { test: { globalSetup: ['./test/jwks-server.ts'] } });
