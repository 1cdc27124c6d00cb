CREATE TABLE `stats_snapshots` (
	`name` text PRIMARY KEY NOT NULL,
	`generated_at` text NOT NULL,
	`body` text NOT NULL
);
--> statement-breakpoint
CREATE INDEX `establishments_stats_idx` ON `establishments` (`department_code`,`city_code`,`kind`,`status`,`portfolio_id`,`deleted_at`) WHERE "establishments"."deleted_at" is null;--> statement-breakpoint
CREATE INDEX `establishments_live_status_portfolio_idx` ON `establishments` (`status`,`portfolio_id`,`id`,`deleted_at`) WHERE "establishments"."deleted_at" is null;--> statement-breakpoint
-- The figures of the management overview (src/db/stats.ts) as the JSON that
-- GET /api/v1/stats/overview answers, written by SQLite. A view rather than a statement in
-- the Worker code, which has a size budget: to change a figure, a later migration replaces
-- the view. generatedAt and activity depend on the time of the snapshot: the Worker sets them.
-- Live stores are grouped once (g, walking establishments_stats_idx); a product reach sums
-- the active stores carrying each portfolio (carried, one row per portfolio) over its items
-- before any product row is read; routes is every seller with the live stores on the route.
CREATE VIEW `stats_overview` AS WITH
g as materialized (select department_code dc,city_code cc,kind,status,count(portfolio_id) p,count(*) n from establishments where deleted_at is null group by 1,2,3,4),
carried as materialized (select portfolio_id,count(*) n from establishments where deleted_at is null and status='active' and portfolio_id is not null group by 1),
reach as materialized (select product_id,sum(carried.n) n from carried join portfolio_items i using (portfolio_id) group by 1),
routes as materialized (select u.id,u.first_name||' '||u.last_name name,u.email,count(e.id) n from users u left join establishment_sellers s on s.seller_id=u.id left join establishments e on e.id=s.establishment_id and e.deleted_at is null where u.role='seller' group by 1)
SELECT json_object('generatedAt',NULL,
'users',json_object('total',(select count(*) from users),
 'byRole',json((select json_group_array(json_object('role',role,'active',active,'disabled',disabled)) from (select role,sum(status='active') active,sum(status='disabled') disabled from users group by 1 order by count(*) desc,1))),
 'byStatus',json((select json_group_array(json_object('status',status,'count',count)) from (select status,count(*) count from users group by 1 order by 2 desc,1)))),
'products',json_object('total',(select count(*) from products where deleted_at is null),
 'byStatus',json((select json_group_array(json_object('status',status,'count',count)) from (select status,count(*) count from products where deleted_at is null group by 1 order by 2 desc,1))),
 'byCategory',json((select json_group_array(json_object('category',category,'count',count)) from (select category,count(*) count from products where deleted_at is null group by 1 order by 2 desc,1)))),
'establishments',json_object('total',(select coalesce(sum(n),0) from g),
 'byDepartment',json((select json_group_array(json_object('code',code,'name',name,'count',count)) from (select code,name,sum(count) count from (select dc code,coalesce(t.name,'(sin código DIVIPOLA)') name,dc departmentCode,sum(n) count from g left join departments t on t.code=dc group by dc,cc) group by 1 order by 3 desc,2))),
 'byCity',json((select json_group_array(json_object('code',code,'name',name,'departmentCode',departmentCode,'count',count)) from (select cc code,coalesce(t.name,'(sin código DIVIPOLA)') name,dc departmentCode,sum(n) count from g left join municipalities t on t.code=cc group by dc,cc order by 4 desc,2))),
 'byKind',json((select json_group_array(json_object('kind',kind,'count',count)) from (select kind,sum(n) count from g group by 1 order by 2 desc,1))),
 'byStatus',json((select json_group_array(json_object('status',status,'count',count)) from (select status,sum(n) count from g group by 1 order by 2 desc,1)))),
'portfolios',json((select json_group_array(json_object('id',id,'name',name,'status',status,'items',items,'establishments',establishments)) from (select id,name,status,(select count(*) from portfolio_items where portfolio_id=p.id) items,(select count(*) from establishments e where e.portfolio_id=p.id and e.deleted_at is null) establishments from portfolios p where deleted_at is null order by 2,1))),
'coverage',(select json_object('activeEstablishments',activeEstablishments,'withPortfolio',withPortfolio,'withoutPortfolio',withoutPortfolio,'portfolioShare',portfolioShare,'withoutSeller',withoutSeller) from (select a activeEstablishments,c withPortfolio,a-c withoutPortfolio,iif(a=0,0,round(1.0*c/a,4)) portfolioShare,
 (select count(*) from establishments e where deleted_at is null and status='active' and not exists (select 1 from establishment_sellers where establishment_id=e.id)) withoutSeller
 from (select coalesce(sum(n),0) a,coalesce(sum(p),0) c from g where status='active'))),
'topProducts',json((select json_group_array(json_object('id',id,'sku',sku,'name',name,'establishments',establishments)) from (select id,sku,name,reach.n establishments from reach join products on id=product_id where deleted_at is null order by 4 desc,1 limit 20))),
'sellers',json_object('total',(select count(*) from routes),'withEstablishments',(select count(*) from routes where n>0),
 'top',json((select json_group_array(json_object('id',id,'name',name,'email',email,'establishments',establishments)) from (select *,n establishments from routes where n>0 order by n desc,id limit 20))),
 'byRouteSize',json_array(json_object('min',0,'max',0,'sellers',(select count(*) from routes where n>=0 and n<=0)),json_object('min',1,'max',10,'sellers',(select count(*) from routes where n>=1 and n<=10)),json_object('min',11,'max',25,'sellers',(select count(*) from routes where n>=11 and n<=25)),json_object('min',26,'max',50,'sellers',(select count(*) from routes where n>=26 and n<=50)),json_object('min',51,'max',100,'sellers',(select count(*) from routes where n>=51 and n<=100)),json_object('min',101,'max',null,'sellers',(select count(*) from routes where n>=101 and n<=1000000000)))),
'activity',NULL) AS body;
