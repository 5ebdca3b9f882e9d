/** The Clay Trigger's suite (clay.cases.ts) under the live shapes, with each id behaviour, and on views that list newest first or only their first page. */
import { clayTriggerSuite, clayViewSuite } from './clay.cases';

clayTriggerSuite('live');
clayViewSuite();
