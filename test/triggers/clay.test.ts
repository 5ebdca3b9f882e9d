/** The Clay Trigger's suite (clay.cases.ts) under the seed's shapes, with each id behaviour. */
import { clayTriggerSuite } from './clay.cases';

clayTriggerSuite('seed');
