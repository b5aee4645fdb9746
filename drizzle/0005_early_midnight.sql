CREATE INDEX "cases_area_referred" ON "cases" USING btree ("area_id","referred_at","id");--> statement-breakpoint
CREATE INDEX "agenda_items_case" ON "agenda_items" USING btree ("case_id");